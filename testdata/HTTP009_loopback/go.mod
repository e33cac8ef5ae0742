module example.com/http009loopback

go 1.22
