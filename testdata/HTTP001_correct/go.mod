module example.com/httpcorrect

go 1.22
