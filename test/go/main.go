// A Go program for lde's tests (issue 11, acceptance): the Go runtime's
// threads, futexes, signals (goroutine preemption), timers, GC and
// os/exec, and net/http over loopback. Each subcommand prints only what
// is deterministic, so its output can be compared with qemu-riscv64's.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type node struct {
	next *node
	data [48]byte
}

// goroutines: a pipeline of channels, a WaitGroup, a mutex and a condition variable.
func goroutines() {
	src := make(chan int)
	sq := make(chan int)
	go func() {
		for i := 1; i <= 100; i++ {
			src <- i
		}
		close(src)
	}()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range src {
				sq <- v * v
			}
		}()
	}
	go func() { wg.Wait(); close(sq) }()
	sum := 0
	for v := range sq {
		sum += v
	}
	fmt.Println("sum of squares 1..100:", sum)

	var mu sync.Mutex
	c := sync.NewCond(&mu)
	ready := 0
	for i := 0; i < 8; i++ {
		go func() { mu.Lock(); ready++; c.Broadcast(); mu.Unlock() }()
	}
	mu.Lock()
	for ready < 8 {
		c.Wait()
	}
	mu.Unlock()
	var n int64
	var wg2 sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for j := 0; j < 1000; j++ {
				atomic.AddInt64(&n, 1)
			}
		}()
	}
	wg2.Wait()
	fmt.Println("cond waiters:", ready, "atomic adds:", n)
}

// timers: Sleep, a Timer racing a Ticker, AfterFunc, and a context-free deadline.
func timers() {
	start := time.Now()
	time.Sleep(10 * time.Millisecond)
	fmt.Println("slept at least 10ms:", time.Since(start) >= 10*time.Millisecond)
	t := time.NewTimer(30 * time.Millisecond)
	tick := time.NewTicker(5 * time.Millisecond)
	ticks := 0
loop:
	for {
		select {
		case <-tick.C:
			ticks++
		case <-t.C:
			break loop
		}
	}
	tick.Stop()
	fmt.Println("ticks before the timer:", ticks >= 3)
	done := make(chan string)
	time.AfterFunc(5*time.Millisecond, func() { done <- "fired" })
	fmt.Println("AfterFunc:", <-done)
	select {
	case <-time.After(20 * time.Millisecond):
		fmt.Println("timeout wins over a silent channel")
	case <-make(chan int):
	}
}

// gc: lists built by 8 goroutines at once, then forced collections.
func gc() {
	var wg sync.WaitGroup
	res := make([]int, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for r := 0; r < 10; r++ {
				var head *node
				for i := 0; i < 2000; i++ {
					head = &node{next: head}
				}
				for p := head; p != nil; p = p.next {
					res[g]++
				}
			}
		}(g)
	}
	wg.Wait()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	words := strings.Fields("the quick brown fox jumps over the lazy dog")
	sort.Strings(words)
	fmt.Println("lists:", res, "gc ran:", ms.NumGC > 0)
	fmt.Println("sorted:", strings.Join(words, " "))
	h := sha256.Sum256([]byte(strings.Repeat("lde", 10000)))
	fmt.Printf("sha256: %x\n", h[:8])
}

// exec: os/exec runs this program again as a child, with a pipe both ways.
func execChild() {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	cmd := exec.Command(self, "child")
	cmd.Stdin = strings.NewReader("from the parent\n")
	out, err := cmd.Output()
	fmt.Printf("child said %q, err %v\n", out, err)
	cmd = exec.Command(self, "fail")
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		fmt.Println("child exit code:", ee.ExitCode())
	} else {
		fmt.Println("child error:", err)
	}
	_, err = exec.Command("/nonexistent/program").Output()
	fmt.Println("missing program fails:", err != nil)
}

// httpLoop: a net/http server and client over loopback, with JSON and a streamed body.
func httpLoop() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello, %s", r.URL.Query().Get("name"))
	})
	mux.HandleFunc("/sum", func(w http.ResponseWriter, r *http.Request) {
		var nums []int
		if err := json.NewDecoder(r.Body).Decode(&nums); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		s := 0
		for _, v := range nums {
			s += v
		}
		json.NewEncoder(w).Encode(map[string]int{"sum": s, "count": len(nums)})
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 200; i++ {
			fmt.Fprintf(w, "%0127d\n", i)
		}
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Get(base + "/hello?name=lde")
	if err != nil {
		fmt.Println("get:", err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
	resp, err = client.Post(base+"/sum", "application/json", strings.NewReader("[1,2,3,4,5,6,7,8,9,10]"))
	if err == nil {
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Print(resp.StatusCode, " ", string(body))
	}
	var wg sync.WaitGroup
	sizes := make([]int, 4)
	for i := range sizes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, err := client.Get(base + "/big")
			if err != nil {
				return
			}
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			sizes[i] = len(b)
		}(i)
	}
	wg.Wait()
	fmt.Println("concurrent bodies:", sizes)
	resp, err = client.Get(base + "/missing")
	if err == nil {
		resp.Body.Close()
		fmt.Println("missing:", resp.StatusCode)
	}
	srv.Close()
}

func main() {
	cmd := "all"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "child":
		in, _ := io.ReadAll(os.Stdin)
		fmt.Print(strings.ToUpper(string(in)))
		return
	case "fail":
		os.Exit(3)
	}
	parts := map[string]func(){"goroutines": goroutines, "timers": timers, "gc": gc, "exec": execChild, "http": httpLoop}
	order := []string{"goroutines", "timers", "gc", "exec", "http"}
	for _, name := range order {
		if cmd == "all" || cmd == name {
			fmt.Println("==", name)
			parts[name]()
		}
	}
}
