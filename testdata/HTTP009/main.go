package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

var addr = flag.String("addr", ":8080", "listen address")

func index(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "hello")
}

func main() {
	flag.Parse()
	http.HandleFunc("/", index)
	srv := &http.Server{
		Addr:              *addr,
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() {
		port := os.Getenv("ADMIN_PORT")
		// Unknown host part: a fully computed address is not judged.
		log.Println(http.ListenAndServe(os.Getenv("ADMIN_ADDR"), nil))
		log.Println(port)
	}()
	log.Fatal(srv.ListenAndServe())
}
