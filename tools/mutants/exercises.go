package mutants

import "fmt"

// An Exercise is a lesson taken out of a chapter for a learner to put back:
// `make exercise X=NAME` applies its mutants to a copy of the chapter (see
// learner.go), and Check grades the learner's fix with the chapter's own
// tests. A break-and-fix exercise undoes one fix or lesson of Mutants, so
// TestEveryFixHasATestThatCatchesItsRemoval already holds its test to
// noticing; a skeleton ("write it yourself") cuts code out and leaves TODOs.
type Exercise struct {
	Name     string
	Chapter  string
	Skeleton bool     // write it yourself, rather than break and fix
	Mutants  []Mutant // applied in order to the learner's copy
	// Spin adds testdata/exercise_test.go to the copy: tests that see a
	// busy loop as CPU burnt and a loop never asleep in epoll_wait.
	Spin bool
	// Title is the one line that `make exercise` lists; Wrong says what the
	// learner will see go wrong, Where where to look.
	Title, Wrong, Where Text
	Hints               []Text // in the order they unlock: HINT=1, HINT=2, …
	// Tests grade the exercise: the top-level tests that Check runs, each
	// with a hint for when it fails. With Suite, Check runs the chapter's
	// every test instead, and Tests only give hints.
	Tests []Grade
	Suite bool
}

// A Grade is a test that grades an exercise, and what its failure means.
type Grade struct {
	Test string
	Hint Text
}

// Text is a piece of an exercise in both of the tutorial's languages.
type Text struct{ En, Zh string }

// In returns the text in lang ("en" or "zh-CN").
func (t Text) In(lang string) string {
	if lang == "zh-CN" && t.Zh != "" {
		return t.Zh
	}
	return t.En
}

// Find returns the exercise called name.
func Find(name string) (Exercise, bool) {
	for _, e := range Exercises {
		if e.Name == name {
			return e, true
		}
	}
	return Exercise{}, false
}

// undo returns the mutants of chapter called name: the fix or lesson, in
// every place it is made, that an exercise takes out.
func undo(chapter, name string) []Mutant {
	var ms []Mutant
	for _, m := range Mutants {
		if m.Chapter == chapter && m.Name == name {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		panic(fmt.Sprintf("mutants: no mutant %q in %s", name, chapter))
	}
	return ms
}

// Exercises are the break-and-fix exercises, chapter by chapter, then the
// skeletons.
var Exercises = []Exercise{
	{
		Name: "ch1-recv-loop", Chapter: "ch1-blocking",
		Mutants: undo("ch1-blocking", "lesson: recv until the request ends"),
		Title: Text{
			"Read until the request ends: one recv is not one request",
			"读到请求结束为止：一次 recv 不等于一个请求",
		},
		Wrong: Text{
			"The server calls recv once. When a request arrives in pieces, it gives up after the first piece: no response, and the connection is closed.",
			"服务器只调用一次 recv。请求分几次到达时，它读完第一段就放弃了：不发响应，直接关闭连接。",
		},
		Where: Text{
			"main.go: the code that reads the request, between accept and the echo.",
			"main.go 中 accept 之后、回显请求之前读取请求的那段代码。",
		},
		Hints: []Text{
			{
				"TCP delivers a stream of bytes, not messages: one recv returns what has arrived so far, which may be part of a request. A request ends at an empty line, and requestEnd finds it.",
				"TCP 传送的是字节流，不是一条条消息：一次 recv 只返回目前已到达的数据，可能只是请求的一部分。请求在空行处结束，requestEnd 负责找到它。",
			},
			{
				"Call recv again while no end has been found (end < 0) and nothing went wrong (err == nil): that wants a loop, not an if.",
				"只要还没找到结尾（end < 0）且没有出错（err == nil），就再调用 recv：这里要的是循环，不是 if。",
			},
		},
		Tests: []Grade{{"TestRequestSplitOverSeveralWrites", Text{
			"The test sends a request in four writes, and waits until the server has read each piece before it sends the next. The response must still come.",
			"测试把一个请求分四次写出，每次都等服务器读完这一段再发下一段。响应仍然必须到达。",
		}}},
	},
	{
		Name: "ch2-loop", Chapter: "ch2-loop",
		Mutants: undo("ch2-loop", "lesson: serve in a loop"),
		Title: Text{
			"Serve one client after another: put the loop back",
			"一个接一个地服务客户端：把循环加回去",
		},
		Wrong: Text{
			"The server answers its first client and exits, like chapter 1: the next client finds nobody listening.",
			"服务器答复第一个客户端之后就退出了，和第 1 章一样：下一个客户端连过来时，已经没有人在监听。",
		},
		Where: Text{
			"main.go: the statement around accept, recv and send.",
			"main.go 中包住 accept、recv 和 send 的那条语句。",
		},
		Hints: []Text{
			{
				"Chapter 2 is chapter 1 in a loop: accept, read, answer, close, and again.",
				"第 2 章就是把第 1 章放进循环：accept、读取、答复、关闭，然后从头再来。",
			},
			{
				"`for range 1` runs its body once. A `for` with no condition runs until the program is stopped.",
				"`for range 1` 只执行一次循环体；不带条件的 `for` 会一直执行，直到程序被停止。",
			},
		},
		Tests: []Grade{{"TestServesClientsInTurn", Text{
			"Ten clients connect one after another; from the second on, the connection is refused.",
			"十个客户端依次连接；从第二个起，连接被拒绝。",
		}}},
	},
	{
		Name: "ch2-partial-send", Chapter: "ch2-loop",
		Mutants: undo("ch2-loop", "partial-send"),
		Title: Text{
			"Send the whole response: a send may write only part of it",
			"把响应发完：一次 send 可能只写出一部分",
		},
		Wrong: Text{
			"The server calls send once and forgets the rest. A send may write fewer bytes than it was given (a full socket buffer, a signal), and -split 4 makes each send write at most a quarter of the response.",
			"服务器只调用一次 send，剩下的就不管了。send 写出的字节可能少于交给它的（套接字缓冲区满了，或者来了信号），而 -split 4 让每次 send 最多只写出响应的四分之一。",
		},
		Where: Text{
			"main.go: the send after the echo.",
			"main.go 中回显之后的 send。",
		},
		Hints: []Text{
			{
				"send returns the part of the response that is still unsent. While that is not empty and no error came back, send again.",
				"send 返回响应中尚未发出的部分。只要它不为空、也没有出错，就再发一次。",
			},
			{
				"Chapter 1's main.go has the loop: `for out := response; len(out) > 0 && err == nil; { … }`.",
				"第 1 章的 main.go 里就有这个循环：`for out := response; len(out) > 0 && err == nil; { … }`。",
			},
		},
		Tests: []Grade{{"TestResponseWrittenInPieces", Text{
			"With -split 4 the client receives the first quarter of the response, and then the server closes.",
			"加上 -split 4 后，客户端只收到响应的前四分之一，随后服务器就关闭了连接。",
		}}},
	},
	{
		Name: "ch3-epollout", Chapter: "ch3-epoll-lt",
		Mutants: undo("ch3-epoll-lt", "lesson: switch to EPOLLOUT"),
		Title: Text{
			"Switch the socket to EPOLLOUT once the request is in",
			"请求读完后，把套接字切换到 EPOLLOUT",
		},
		Wrong: Text{
			"The server reads the request, echoes it, and then waits for ever: it never asks epoll to tell it when it may write, so the response is never sent.",
			"服务器读完请求、回显之后就一直等下去：它从没让 epoll 在可写时通知自己，所以响应始终发不出去。",
		},
		Where: Text{
			"main.go: the EPOLLIN case, where requestEnd finds the end of the request.",
			"main.go 的 EPOLLIN 分支中，requestEnd 找到请求结尾的地方。",
		},
		Hints: []Text{
			{
				"A connection's event mask says which stage it is in. Once the request is in, the next stage is writing: modify the socket's registration (EPOLL_CTL_MOD) to EPOLLOUT.",
				"连接的事件掩码表明它处在哪个阶段。请求读完了，下一阶段是写：用 EPOLL_CTL_MOD 把这个套接字的事件掩码修改为 EPOLLOUT。",
			},
			{
				"`err = named(\"epoll_ctl\", unix.EpollCtl(epollFD, unix.EPOLL_CTL_MOD, fd, interest(fd, unix.EPOLLOUT)))`: the error goes into err, so that the code below drops the connection if the call fails.",
				"`err = named(\"epoll_ctl\", unix.EpollCtl(epollFD, unix.EPOLL_CTL_MOD, fd, interest(fd, unix.EPOLLOUT)))`：错误存进 err，这样调用失败时，下面的代码会丢弃这个连接。",
			},
		},
		Tests: []Grade{
			{"TestSilentClientsDoNotHoldUpOthers", Text{
				"The clients sent whole requests and waited for responses that never came (i/o timeout).",
				"客户端发出了完整的请求，却一直等不到响应（i/o timeout）。",
			}},
			{"TestResponseIsTheArticlesBytes", Text{
				"The client sent a whole request and waited for a response that never came (i/o timeout).",
				"客户端发出了完整的请求，却一直等不到响应（i/o timeout）。",
			}},
		},
	},
	{
		Name: "ch3-eof", Chapter: "ch3-epoll-lt", Spin: true,
		Mutants: undo("ch3-epoll-lt", "early-eof"),
		Title: Text{
			"End of stream: a read of 0 bytes means the client is gone (the article's busy loop)",
			"读到 0 字节：客户端已经走了（原文的空转）",
		},
		Wrong: Text{
			"A client that sends half a request and half-closes sends the server into a busy loop at 100% CPU: read returns 0 bytes, the server takes that for \"nothing yet\", and level-triggered epoll reports the socket as readable again on every wait.",
			"客户端发了半个请求就半关闭，服务器随即开始空转，CPU 占满：read 返回 0 字节，服务器把它当成“暂时没数据”，而水平触发的 epoll 每次等待都再次报告这个套接字可读。",
		},
		Where: Text{
			"sys.go: recv, the case where read returns 0 bytes. (main.go drops a connection on any error other than EAGAIN.)",
			"sys.go 的 recv 中 read 返回 0 字节的那个分支。（main.go 遇到 EAGAIN 以外的任何错误，都会丢弃连接。）",
		},
		Hints: []Text{
			{
				"At end of stream Python's recv returns b'', and read here returns 0 bytes. That is not EAGAIN: no more bytes will ever come on this connection.",
				"流结束时，Python 的 recv 返回 b''，这里的 read 返回 0 字节。这不是 EAGAIN：这个连接上再也不会有数据来了。",
			},
			{
				"Return an error for it, errEarlyEOF, so that main.go drops the connection: out of the interest list, closed, forgotten.",
				"为它返回一个错误 errEarlyEOF，让 main.go 丢弃这个连接：移出兴趣列表、关闭、忘掉。",
			},
		},
		Tests: []Grade{
			{"TestLoopSleepsAfterEndOfStream", Text{
				"After the half-close the server burns CPU: its loop never goes back to sleep in epoll_wait. See it for yourself: run the half-close of the chapter's \"What to look for\" with top open.",
				"半关闭之后服务器一直在消耗 CPU：事件循环再也没有回到 epoll_wait 里睡眠。可以亲眼看看：开着 top，照本章“观察要点”里的做法来一次半关闭。",
			}},
			{"TestClientLeavesBeforeTheRequestEnds", Text{
				"A client that leaves before its request ends must be dropped, with one line on stderr that names it, and the server must serve the next one.",
				"客户端在请求结束前离开时，服务器必须丢弃这个连接，在 stderr 上写一行注明客户端地址，并继续服务下一个客户端。",
			}},
		},
	},
	{
		Name: "ch3-hangup", Chapter: "ch3-epoll-lt", Spin: true,
		Mutants: undo("ch3-epoll-lt", "lesson: close on the hang-up"),
		Title: Text{
			"Close the socket on EPOLLHUP",
			"收到 EPOLLHUP 就关闭套接字",
		},
		Wrong: Text{
			"After each response the server shuts the socket down but never closes it. epoll reports EPOLLHUP for it on every wait, even with no events asked for: the loop spins, and each connection leaks a file descriptor.",
			"每发完一个响应，服务器都对套接字调用 shutdown，却从不关闭它。即使事件掩码为 0，epoll 每次等待仍会报告它的 EPOLLHUP：事件循环空转，每个连接还泄漏一个文件描述符。",
		},
		Where: Text{
			"main.go: the last case of the switch, EPOLLHUP or EPOLLERR.",
			"main.go 中 switch 的最后一个分支：EPOLLHUP 或 EPOLLERR。",
		},
		Hints: []Text{
			{
				"The article unregisters the socket here, closes it, and deletes it from its dictionaries. main.go has a function that does all of that.",
				"原文在这里注销套接字、关闭它，再把它从几个字典里删掉。main.go 里有一个函数把这些事一起做了。",
			},
			{
				"`drop(fd, nil)`: nil, since a hang-up after the server's own shutdown is the normal end of a connection, not worth a line on stderr.",
				"`drop(fd, nil)`：传 nil，因为服务器自己 shutdown 之后的挂断是连接的正常结束，不必在 stderr 上写一行。",
			},
		},
		Tests: []Grade{
			{"TestLoopSleepsAfterAResponse", Text{
				"After the response the server keeps the socket, and epoll wakes the loop for its hang-up again and again: a busy loop.",
				"发完响应后服务器仍留着这个套接字，epoll 因为它的挂断一次又一次唤醒事件循环：空转。",
			}},
			{"TestNoFDLeaks", Text{
				"After 150 connections the server holds more file descriptors than it started with.",
				"处理完 150 个连接后，服务器持有的文件描述符比启动时多。",
			}},
		},
	},
	{
		Name: "ch3-eintr", Chapter: "ch3-epoll-lt",
		Mutants: undo("ch3-epoll-lt", "eintr"),
		Title: Text{
			"EINTR from epoll_wait: wait again",
			"epoll_wait 返回 EINTR：再等一次",
		},
		Wrong: Text{
			"When a signal interrupts epoll_wait, the server takes it as fatal and exits. Go's runtime sends SIGURG to preempt goroutines, so this happens under load, not only on Ctrl-C.",
			"信号打断 epoll_wait 时，服务器把它当成致命错误，直接退出。Go 运行时自己就会发送 SIGURG 来抢占 goroutine，所以负载一高就会发生，并不只在按下 Ctrl-C 时。",
		},
		Where: Text{
			"main.go: right after unix.EpollWait, before must(\"epoll_wait\", err).",
			"main.go 中紧跟在 unix.EpollWait 之后、must(\"epoll_wait\", err) 之前的地方。",
		},
		Hints: []Text{
			{
				"EINTR means \"a signal arrived while I waited\", not \"something broke\". epoll_wait is never restarted after a signal, whatever SA_RESTART says.",
				"EINTR 的意思是“等待期间来了一个信号”，而不是“出故障了”。无论有没有 SA_RESTART，epoll_wait 被信号打断后都不会自动重启。",
			},
			{
				"`if err == unix.EINTR { continue }`: back to the top of the loop, which checks the stop flag and waits again.",
				"`if err == unix.EINTR { continue }`：回到循环开头，检查停止标志，然后再次等待。",
			},
		},
		Tests: []Grade{{"TestSignalStormIsHarmless", Text{
			"The test sends SIGURG to every thread of the server while it serves 100 requests, and the server exits with \"epoll_wait: interrupted system call\".",
			"测试在服务器处理 100 个请求期间，不停地向它的每个线程发送 SIGURG，服务器以 “epoll_wait: interrupted system call” 退出。",
		}}},
	},
	{
		Name: "ch3-request-cap", Chapter: "ch3-epoll-lt",
		Mutants: undo("ch3-epoll-lt", "request-cap"),
		Title: Text{
			"Cap the request: one client must not make the server's memory grow without bound",
			"限制请求大小：不能让一个客户端把服务器的内存无限撑大",
		},
		Wrong: Text{
			"A request that never ends (header lines for ever, and never an empty line) grows the server's buffer without bound.",
			"一个永不结束的请求（不停地发头部行，始终没有空行）会让服务器的缓冲区无限增长。",
		},
		Where: Text{
			"sys.go: recv, after it appends what it has read to the request.",
			"sys.go 的 recv 中，把读到的数据追加到请求之后的地方。",
		},
		Hints: []Text{
			{
				"Once the request is longer than maxRequest (64 KiB) and still has no end, give up on it: recv returns errTooLarge, and main.go drops the connection.",
				"请求一旦超过 maxRequest（64 KiB）还没结束，就放弃它：recv 返回 errTooLarge，main.go 会丢弃这个连接。",
			},
			{
				"`if len(request) > maxRequest { return request, errTooLarge }`",
				"`if len(request) > maxRequest { return request, errTooLarge }`",
			},
		},
		Tests: []Grade{{"TestOversizedRequestIsDropped", Text{
			"The test sends header lines without end and waits for \"dropped: request over 64 KiB without an empty line\" on stderr.",
			"测试不停地发送头部行，等待 stderr 上出现 “dropped: request over 64 KiB without an empty line”。",
		}}},
	},
	{
		Name: "ch3-reset", Chapter: "ch3-epoll-lt",
		Mutants: undo("ch3-epoll-lt", "reset"),
		Title: Text{
			"A reset ends one connection, not the server",
			"连接被重置只结束这一个连接，不能让服务器退出",
		},
		Wrong: Text{
			"When a client resets its connection (RST), read or write fails with ECONNRESET or EPIPE, and the server returns from main: every other client loses its server too. The article's server dies the same way, of the exception.",
			"客户端重置连接（RST）时，read 或 write 以 ECONNRESET 或 EPIPE 失败，服务器随即从 main 返回：其他客户端也跟着没了服务器。原文的服务器也是这样死于那个异常。",
		},
		Where: Text{
			"main.go: what the EPOLLIN and EPOLLOUT cases do with an error other than EAGAIN.",
			"main.go 中 EPOLLIN 和 EPOLLOUT 两个分支如何处理 EAGAIN 以外的错误。",
		},
		Hints: []Text{
			{
				"An error on one connection is that connection's problem: forget it, and go on serving the others.",
				"一个连接出错，只是这个连接的事：丢弃它，继续服务其他连接。",
			},
			{
				"In both cases, `drop(fd, err)` instead of `return`: it says why on stderr, takes the socket out of the interest list, closes it, and deletes it from the maps.",
				"两个分支里都用 `drop(fd, err)` 代替 `return`：它在 stderr 上说明原因，把套接字移出兴趣列表、关闭，再从各个 map 中删除。",
			},
		},
		Tests: []Grade{
			{"TestClientLeavesBeforeTheRequestEnds", Text{
				"After a client resets, the server must log \"dropped: read: connection reset by peer\" and answer the next client.",
				"客户端重置连接后，服务器必须记下 “dropped: read: connection reset by peer”，并答复下一个客户端。",
			}},
			{"TestResetAfterTheRequest", Text{
				"Twenty clients reset right after their request; the next client finds no server.",
				"二十个客户端发完请求就立即重置连接；下一个客户端连过来时，服务器已经不在了。",
			}},
		},
	},
	{
		Name: "ch4-accept", Chapter: "ch4-epoll-et",
		Mutants: undo("ch4-epoll-et", "lesson: accept until EAGAIN"),
		Title: Text{
			"Edge-triggered: accept until EAGAIN",
			"边缘触发：一直 accept 到 EAGAIN",
		},
		Wrong: Text{
			"Connections that arrive together may raise one EPOLLIN on the listening socket. The server accepts one per event; the rest wait in the accept queue for an edge that never comes.",
			"同时到达的多个连接，可能只让监听套接字产生一次 EPOLLIN。服务器每个事件只 accept 一个连接，其余的留在全连接队列里，等待一个永远不会来的边缘。",
		},
		Where: Text{
			"main.go: the case fd == serverFD.",
			"main.go 中 fd == serverFD 的分支。",
		},
		Hints: []Text{
			{
				"With EPOLLET, an event says \"something changed\", once. Take all there is: accept until it fails with EAGAIN, which means the queue is empty.",
				"设置了 EPOLLET，一个事件只表示“有变化”，而且只报告一次。有多少就取多少：一直 accept，直到它以 EAGAIN 失败，也就是队列空了。",
			},
			{
				"`for range 1` runs once; `for {` runs until the `break` after an error.",
				"`for range 1` 只执行一次；`for {` 会一直执行，直到出错后的那个 `break`。",
			},
		},
		Tests: []Grade{{"TestBurstOfConnections", Text{
			"300 clients connect at once, and some of them are never answered.",
			"300 个客户端同时连接，其中一些始终得不到响应。",
		}}},
	},
	{
		Name: "ch4-read", Chapter: "ch4-epoll-et",
		Mutants: undo("ch4-epoll-et", "lesson: read until EAGAIN"),
		Title: Text{
			"Edge-triggered: read until EAGAIN",
			"边缘触发：一直读到 EAGAIN",
		},
		Wrong: Text{
			"The server reads 1024 bytes per EPOLLIN. A larger request, sent in one write, raises one event: the rest of it stays unread, and the server waits for an edge that never comes.",
			"服务器每次 EPOLLIN 只读 1024 字节。更大的请求一次写出，只触发一次事件：剩下的部分没人读，服务器等待一个永远不会来的边缘。",
		},
		Where: Text{
			"main.go: the EPOLLIN case, where recv is called.",
			"main.go 的 EPOLLIN 分支中调用 recv 的地方。",
		},
		Hints: []Text{
			{
				"No new edge comes for data that is already waiting. Read until recv fails with EAGAIN: then, and only then, is the socket empty.",
				"对已经在等着的数据，不会再来新的边缘。一直读，直到 recv 以 EAGAIN 失败：那时，也只有那时，套接字里才没有数据了。",
			},
			{
				"`for err = nil; err == nil; { requests[fd], err = recv(fd, requests[fd]) }`",
				"`for err = nil; err == nil; { requests[fd], err = recv(fd, requests[fd]) }`",
			},
		},
		Tests: []Grade{
			{"TestLargeRequestSentInOneWrite", Text{
				"A 48 KiB request sent in one write gets no response.",
				"一次写出的 48 KiB 请求得不到响应。",
			}},
			{"TestBodyReadToEAGAINClosesCleanly", Text{
				"The server left a request's body unread, so closing the socket sent RST instead of FIN.",
				"服务器没有读完请求体，所以关闭套接字时发出的是 RST，而不是 FIN。",
			}},
		},
	},
	{
		Name: "ch4-write", Chapter: "ch4-epoll-et",
		Mutants: undo("ch4-epoll-et", "lesson: write until EAGAIN"),
		Title: Text{
			"Edge-triggered: write until done or EAGAIN",
			"边缘触发：一直写到写完或 EAGAIN",
		},
		Wrong: Text{
			"The server writes one piece of the response per EPOLLOUT. The socket was writable and still is, so no new edge comes, and the rest of the response is never sent.",
			"服务器每次 EPOLLOUT 只写出响应的一段。套接字本来可写、现在仍然可写，不会再来新的边缘，响应剩下的部分就永远发不出去。",
		},
		Where: Text{
			"main.go: the EPOLLOUT case, where send is called.",
			"main.go 的 EPOLLOUT 分支中调用 send 的地方。",
		},
		Hints: []Text{
			{
				"An EPOLLOUT edge comes when room appears in the send buffer, not while it stays. Send until the response is all out, or until send fails with EAGAIN: the buffer is full, and the next edge will come.",
				"发送缓冲区出现空间时才会来一个 EPOLLOUT 边缘，空间一直在时不会。一直发，直到响应全部发出，或者 send 以 EAGAIN 失败：缓冲区满了，之后会再来边缘。",
			},
			{
				"`for err = nil; err == nil && len(responses[fd]) > 0; { responses[fd], err = send(fd, responses[fd]) }`",
				"`for err = nil; err == nil && len(responses[fd]) > 0; { responses[fd], err = send(fd, responses[fd]) }`",
			},
		},
		Tests: []Grade{{"TestResponseWrittenInPieces", Text{
			"With -split 4 the client receives the first quarter of the response, then nothing more.",
			"加上 -split 4 后，客户端收到响应的前四分之一，之后就再也收不到数据了。",
		}}},
	},
	{
		Name: "ch5-cork", Chapter: "ch5-tcpcork",
		Mutants: undo("ch5-tcpcork", "lesson: cork removed"),
		Title: Text{
			"Take the cork out once the response is written",
			"响应写完后清除 TCP_CORK",
		},
		Wrong: Text{
			"The server corks the socket before the response and never uncorks it. The response leaves only when shutdown pushes it out, and the cork is still in afterwards.",
			"服务器在写响应之前塞住了套接字，却从不清除 TCP_CORK。响应要等到 shutdown 时才被推出去，而且之后 TCP_CORK 仍然开着。",
		},
		Where: Text{
			"main.go: the EPOLLOUT case, once the whole response is out.",
			"main.go 的 EPOLLOUT 分支中，响应全部发出之后的地方。",
		},
		Hints: []Text{
			{
				"TCP_CORK comes in pairs: 1 before the pieces, 0 after them. Clearing it sends what is held at once.",
				"TCP_CORK 要成对设置：写各段之前设为 1，写完之后设为 0。清除它时，攒着的数据会立即发出。",
			},
			{
				"`setOption(fd, unix.IPPROTO_TCP, unix.TCP_CORK, 0)`, before the shutdown.",
				"在 shutdown 之前调用 `setOption(fd, unix.IPPROTO_TCP, unix.TCP_CORK, 0)`。",
			},
		},
		Tests: []Grade{{"TestCorkJoinsTheResponseIntoOneSegment", Text{
			"The test reads TCP_CORK on the server's own socket once the response is out: it must be 0.",
			"测试在响应发完后读取服务器端套接字的 TCP_CORK：它必须是 0。",
		}}},
	},
	{
		Name: "ch6-nodelay", Chapter: "ch6-nodelay",
		Mutants: undo("ch6-nodelay", "lesson: TCP_NODELAY inherited"),
		Title: Text{
			"TCP_NODELAY on the listening socket, inherited by every connection",
			"在监听套接字上设置 TCP_NODELAY，每个连接都会继承",
		},
		Wrong: Text{
			"The server never sets TCP_NODELAY: Nagle's algorithm is on for every connection, and a small write waits while earlier data is unacknowledged.",
			"服务器没有设置 TCP_NODELAY：每个连接都启用了 Nagle 算法，前面的数据还没被确认时，小块写入只能等着。",
		},
		Where: Text{
			"main.go: the set-up of the listening socket, before the epoll instance is created.",
			"main.go 中设置监听套接字的部分，在创建 epoll 实例之前。",
		},
		Hints: []Text{
			{
				"Set it once, on the listening socket: Linux copies it to every socket that accept returns, so the loop never sets it per connection.",
				"只需设置一次，设在监听套接字上：Linux 会把它复制到 accept 返回的每个套接字，所以循环里不必逐个连接设置。",
			},
			{
				"`setOption(serverFD, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)`",
				"`setOption(serverFD, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)`",
			},
		},
		Tests: []Grade{{"TestAcceptedSocketInheritsNoDelay", Text{
			"The test reads TCP_NODELAY on the socket that the server accepted: it must be 1.",
			"测试读取服务器 accept 得到的套接字上的 TCP_NODELAY：它必须是 1。",
		}}},
	},
	{
		Name: "ch3-yourself", Chapter: "ch3-epoll-lt", Skeleton: true, Suite: true,
		Mutants: []Mutant{{
			Name: "skeleton: the event loop", Chapter: "ch3-epoll-lt", File: "main.go",
			Old:     "\t\t\tswitch {\n\t\t\t// The listening socket: a new connection, made non-blocking by accept4.\n",
			Through: "\t\t\t\tdrop(fd, nil)\n\t\t\t}\n",
			New: "\t\t\t// TODO(1) The listening socket (fd == serverFD) is readable: a client\n" +
				"\t\t\t// waits in the accept queue. Accept it, non-blocking; keep its\n" +
				"\t\t\t// address, an empty request and the response in the maps; register\n" +
				"\t\t\t// it for EPOLLIN.\n" +
				"\t\t\t// TODO(2) EPOLLIN: read what has come. Once the request ends, switch\n" +
				"\t\t\t// the socket to EPOLLOUT and echo the request. Drop the connection\n" +
				"\t\t\t// on an error other than EAGAIN.\n" +
				"\t\t\t// TODO(3) EPOLLOUT: send what is left of the response. Once it is\n" +
				"\t\t\t// all out, watch for nothing (events 0) and shut the socket down.\n" +
				"\t\t\t// TODO(4) EPOLLHUP or EPOLLERR: the end of a connection; drop it.\n" +
				"\t\t\t// (Delete the next line when the TODOs use what it names.)\n" +
				"\t\t\t_, _, _ = fd, fmt.Fprintln, strings.Repeat\n",
		}},
		Title: Text{
			"Write chapter 3's event loop yourself, from a skeleton with TODOs",
			"自己动手写第 3 章的事件循环：一个留有 TODO 的骨架",
		},
		Wrong: Text{
			"main.go sets up the listening socket and the epoll instance, and waits for events, but does nothing with them: the four cases of the loop are TODOs. It compiles, and chapter 3's tests fail.",
			"main.go 建好了监听套接字和 epoll 实例，也在等待事件，但拿到事件后什么都不做：循环里的四种情况都是 TODO。代码能编译，第 3 章的测试通不过。",
		},
		Where: Text{
			"main.go: TODO(1) to TODO(4), in the loop over the events. The helpers to call are in sys.go (accept, recv, requestEnd, send, shutdown, interest, report, named, printable) and in main.go (drop).",
			"main.go 中事件循环里的 TODO(1) 到 TODO(4)。要用的辅助函数在 sys.go（accept、recv、requestEnd、send、shutdown、interest、report、named、printable）和 main.go（drop）里。",
		},
		Hints: []Text{
			{
				"Each event is for one fd. Tell the cases apart in this order: the listening socket (fd == serverFD), EPOLLIN, EPOLLOUT, EPOLLHUP or EPOLLERR; a `switch` with no tag and four `case`s does it. A connection goes EPOLLIN → EPOLLOUT → no events and shutdown → EPOLLHUP → drop.",
				"每个事件对应一个 fd。按这个顺序区分几种情况：监听套接字（fd == serverFD）、EPOLLIN、EPOLLOUT、EPOLLHUP 或 EPOLLERR；用一个不带表达式、有四个 `case` 的 `switch` 就行。一个连接依次经历 EPOLLIN → EPOLLOUT → 事件掩码为 0 并 shutdown → EPOLLHUP → drop。",
			},
			{
				"TODO(1): `accept(serverFD, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)`; on an error, `report(\"accept4\", err)` and go on to the next event. Then `connections[connFD] = address`, `requests[connFD] = []byte{}`, `responses[connFD] = response`, and EPOLL_CTL_ADD with `interest(connFD, unix.EPOLLIN)`. TODO(2): keep `seen := len(requests[fd])`, call recv, then `requestEnd(requests[fd], seen, eol1, eol2)`; if it is 0 or more, EPOLL_CTL_MOD to EPOLLOUT.",
				"TODO(1)：`accept(serverFD, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)`；出错时 `report(\"accept4\", err)`，接着处理下一个事件。然后 `connections[connFD] = address`、`requests[connFD] = []byte{}`、`responses[connFD] = response`，再用 `interest(connFD, unix.EPOLLIN)` 执行 EPOLL_CTL_ADD。TODO(2)：先记下 `seen := len(requests[fd])`，调用 recv，再调用 `requestEnd(requests[fd], seen, eol1, eol2)`；结果不小于 0 时，用 EPOLL_CTL_MOD 改为 EPOLLOUT。",
			},
			{
				"The echo: `fmt.Fprintln(stdout, strings.Repeat(\"-\", 40)+\"\\n\"+printable(requests[fd][:end-2]))`. TODO(3): `responses[fd], err = send(fd, responses[fd])`; drop on an error other than EAGAIN; once `len(responses[fd]) == 0`, EPOLL_CTL_MOD with `interest(fd, 0)`, then `shutdown(fd)`. TODO(4): `drop(fd, nil)`. Your tests pass? Then compare your loop with chapter 3's.",
				"回显：`fmt.Fprintln(stdout, strings.Repeat(\"-\", 40)+\"\\n\"+printable(requests[fd][:end-2]))`。TODO(3)：`responses[fd], err = send(fd, responses[fd])`；遇到 EAGAIN 以外的错误就 drop；当 `len(responses[fd]) == 0` 时，用 `interest(fd, 0)` 执行 EPOLL_CTL_MOD，再 `shutdown(fd)`。TODO(4)：`drop(fd, nil)`。测试都通过了？再拿你的循环和第 3 章的对照一下。",
			},
		},
		Tests: []Grade{
			{"TestSilentClientsDoNotHoldUpOthers", Text{
				"The server never read what its clients sent: TODO(1) accepts a connection, TODO(2) reads from it.",
				"服务器从没读取客户端发来的数据：TODO(1) 负责接受连接，TODO(2) 负责读取。",
			}},
			{"TestSplitResponseLeavesInSeveralSegments", Text{
				"No response came: after TODO(2) switches the socket to EPOLLOUT, TODO(3) writes.",
				"没有收到响应：TODO(2) 把套接字切换到 EPOLLOUT 之后，由 TODO(3) 负责写。",
			}},
			{"TestUnreadBodyTurnsCloseIntoReset", Text{
				"After the response, the server must close the socket: TODO(3) shuts it down, TODO(4) drops it on EPOLLHUP.",
				"发完响应后，服务器必须关闭套接字：TODO(3) 调用 shutdown，TODO(4) 在 EPOLLHUP 时 drop。",
			}},
			{"TestEchoesEachRequest", Text{
				"The echo: 40 dashes, a newline, then the request up to its empty line, as printable shows it.",
				"回显：40 个短横线、一个换行，然后是到空行为止的请求内容，经 printable 处理。",
			}},
			{"TestClientLeavesBeforeTheRequestEnds", Text{
				"recv returns an error when the client leaves early or resets: drop the connection with that error, so that stderr says why.",
				"客户端提前离开或重置连接时，recv 会返回错误：带着这个错误 drop 连接，让 stderr 说明原因。",
			}},
			{"TestNoFDLeaks", Text{
				"Some connections are never closed: every way out of a connection ends in drop.",
				"有的连接始终没被关闭：连接的每一种结束方式，最后都要调用 drop。",
			}},
		},
	},
	{
		Name: "ch4-yourself", Chapter: "ch4-epoll-et", Skeleton: true,
		Mutants: []Mutant{
			{
				Name: "skeleton: accept until EAGAIN", Chapter: "ch4-epoll-et", File: "main.go",
				Old: "\t\t\t\t// Edge-triggered: one event may stand for many queued connections.\n\t\t\t\tfor {\n",
				New: "\t\t\t\t// TODO(1) Edge-triggered: one event may stand for many queued\n" +
					"\t\t\t\t// connections. Accept them all, not one.\n\t\t\t\tfor range 1 {\n",
			},
			{
				Name: "skeleton: read until EAGAIN", Chapter: "ch4-epoll-et", File: "main.go",
				Old: "\t\t\t\t// Read until EAGAIN: no new edge comes for data already waiting.\n" +
					"\t\t\t\tseen := len(requests[fd])\n\t\t\t\tfor err = nil; err == nil; {\n" +
					"\t\t\t\t\trequests[fd], err = recv(fd, requests[fd])\n\t\t\t\t}\n",
				New: "\t\t\t\t// TODO(2) Edge-triggered: this event is the only one for the bytes\n" +
					"\t\t\t\t// waiting now. Read them all, not 1024.\n" +
					"\t\t\t\tseen := len(requests[fd])\n\t\t\t\trequests[fd], err = recv(fd, requests[fd])\n",
			},
			{
				Name: "skeleton: write until EAGAIN", Chapter: "ch4-epoll-et", File: "main.go",
				Old: "\t\t\t\t// Write until done or EAGAIN: the next edge comes only when there is room.\n" +
					"\t\t\t\tfor err = nil; err == nil && len(responses[fd]) > 0; {\n" +
					"\t\t\t\t\tresponses[fd], err = send(fd, responses[fd])\n\t\t\t\t}\n",
				New: "\t\t\t\t// TODO(3) Edge-triggered: no new EPOLLOUT comes while there is room.\n" +
					"\t\t\t\t// Write all there is room for, not one piece.\n" +
					"\t\t\t\tresponses[fd], err = send(fd, responses[fd])\n",
			},
		},
		Title: Text{
			"Write chapter 4's three loops until EAGAIN yourself",
			"自己动手写第 4 章的三个“直到 EAGAIN”循环",
		},
		Wrong: Text{
			"Chapter 4 is edge-triggered, but its accept, recv and send are each called once per event: the loops until EAGAIN are TODOs.",
			"第 4 章用的是边缘触发，可它的 accept、recv 和 send 每个事件都只调用一次：那几个“直到 EAGAIN”的循环都是 TODO。",
		},
		Where: Text{
			"main.go: TODO(1) in the case fd == serverFD, TODO(2) in the EPOLLIN case, TODO(3) in the EPOLLOUT case.",
			"main.go 中：TODO(1) 在 fd == serverFD 分支，TODO(2) 在 EPOLLIN 分支，TODO(3) 在 EPOLLOUT 分支。",
		},
		Hints: []Text{
			{
				"One edge may stand for many connections, many bytes, or room for many bytes, and the next edge comes only after a change. Repeat each call until it says there is nothing more: EAGAIN, or for send, nothing left to send.",
				"一个边缘可能代表多个连接、许多字节，或者能写下许多字节的空间，而下一个边缘要等状态再次变化才会来。每个调用都要重复，直到它表明没有更多了：EAGAIN，对 send 来说还有“没有可发的了”。",
			},
			{
				"TODO(1): make `for range 1` a loop that runs until accept fails (the `break`). TODO(2): call recv again while err == nil.",
				"TODO(1)：把 `for range 1` 改成一直执行到 accept 失败（那个 `break`）的循环。TODO(2)：只要 err == nil 就继续调用 recv。",
			},
			{
				"TODO(2): `for err = nil; err == nil; { … }` around recv. TODO(3): `for err = nil; err == nil && len(responses[fd]) > 0; { … }` around send.",
				"TODO(2)：用 `for err = nil; err == nil; { … }` 包住 recv。TODO(3)：用 `for err = nil; err == nil && len(responses[fd]) > 0; { … }` 包住 send。",
			},
		},
		Tests: []Grade{
			{"TestLargeRequestSentInOneWrite", Text{
				"A 48 KiB request in one write gets no response: TODO(2).",
				"一次写出的 48 KiB 请求得不到响应：看 TODO(2)。",
			}},
			{"TestBurstOfConnections", Text{
				"Of 300 clients connecting at once, some are never answered: TODO(1).",
				"300 个同时连接的客户端中，有一些始终得不到响应：看 TODO(1)。",
			}},
			{"TestBodyReadToEAGAINClosesCleanly", Text{
				"A body left unread turns the close into a reset: TODO(2).",
				"请求体没读完，关闭就变成了重置：看 TODO(2)。",
			}},
			{"TestResponseWrittenInPieces", Text{
				"With -split 4 only the first quarter of the response arrives: TODO(3).",
				"加上 -split 4 后只收到响应的前四分之一：看 TODO(3)。",
			}},
		},
	},
}
