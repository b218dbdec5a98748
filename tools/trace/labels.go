package trace

import "fmt"

// Langs are the languages the pictures are drawn in: the English pages'
// and the Chinese pages' (docs/zh-CN/glossary.md has the terms).
var Langs = []string{"en", "zh-CN"}

// words are the pictures' labels: English, then Chinese. System call
// names, flags and fd numbers stay as the kernel spells them.
var words = map[string][2]string{
	// The figures' titles, by scenario.
	"silent": {
		"A silent client: client 1 connects and sends nothing for 300 ms; client 2 sends its request at once",
		"沉默的客户端：客户端 1 连上后 300 ms 不发一个字节，客户端 2 一连上就发出请求",
	},
	"burst": {
		fmt.Sprintf("A burst: %d clients connect at once; client %d sends %d KiB of headers", BurstClients, BigClient, BigRequest>>10),
		fmt.Sprintf("突发连接：%d 个客户端同时连上，客户端 %d 发送 %d KiB 的首部", BurstClients, BigClient, BigRequest>>10),
	},
	"split": {
		"A split response: the server writes the response in 4 pieces (-split 4)",
		"分块写出：服务器分 4 次写出响应（-split 4）",
	},
	// The panels' titles, by chapter.
	"ch1-blocking": {"ch1-blocking: blocking calls, one connection", "ch1-blocking：阻塞调用，只服务一个连接"},
	"ch2-loop":     {"ch2-loop: blocking calls in a loop, one client at a time", "ch2-loop：循环里的阻塞调用，一次只服务一个客户端"},
	"ch3-epoll-lt": {"ch3-epoll-lt: level-triggered epoll", "ch3-epoll-lt：水平触发（LT）的 epoll"},
	"ch4-epoll-et": {"ch4-epoll-et: edge-triggered epoll, the accept and read loops run until EAGAIN", "ch4-epoll-et：边缘触发（ET）的 epoll，accept 循环和读循环都做到 EAGAIN 为止"},
	"ch5-tcpcork":  {"ch5-tcpcork: chapter 3, with TCP_CORK set before the response and cleared after", "ch5-tcpcork：在第 3 章的基础上，写响应前设置 TCP_CORK，写完后清除"},
	"ch6-nodelay":  {"ch6-nodelay: chapter 3, with TCP_NODELAY on the listening socket", "ch6-nodelay：在第 3 章的基础上，给监听套接字设置 TCP_NODELAY"},

	// Lanes.
	"listener":      {"listening socket", "监听套接字"},
	"epoll":         {"epoll_wait returns", "epoll_wait 返回"},
	"epoll-fd":      {"epoll fd %d", "epoll 实例 fd %d"},
	"client":        {"client %d", "客户端 %d"},
	"fd-reused":     {"fd %d (reused)", "fd %d（复用）"},
	"unaccepted":    {"never accepted", "未被 accept"},
	"continued":     {"%s (continued)", "%s（续）"},
	"queued":        {"in the accept queue %s", "在全连接队列中 %s"},
	"blocks-in":     {"blocked in %s %s", "在 %s 中阻塞 %s"},
	"blocks":        {"blocked %s", "阻塞 %s"},
	"unfinished-in": {"blocked in %s until exit", "在 %s 中阻塞，直到退出"},
	"unfinished":    {"still blocked at exit", "退出时仍在阻塞"},
	// A client's own events, one letter (one character) each.
	"c-" + ClientConnect: {"c", "连"},
	"c-" + ClientSend:    {"s", "发"},
	"c-" + ClientAnswer:  {"r", "收"},
	"c-" + ClientClose:   {"d", "关"},
	"c-" + ClientFail:    {"!", "!"},
	// The footer: how it was recorded, from one run or from several, then
	// how to read it.
	"footer-run":  {"Recorded with strace -f -ttt -T from a real run. ", "由 strace -f -ttt -T 记录真实运行得到。"},
	"footer-runs": {"Recorded with strace -f -ttt -T from real runs. ", "由 strace -f -ttt -T 记录真实运行得到。"},
	"footer": {
		"Clients are numbered in the order they connect. " +
			"One slot per event, in time order; the axis is not to scale: a gap of more than 1 ms is marked with its length.",
		"客户端按连接的先后编号。" +
			"每个事件占一格，按时间先后排列；横轴不按比例，相隔超过 1 ms 的地方标出间隔时长。",
	},
	"legend":     {"Legend", "图例"},
	"l-accept":   {"accept4", "accept4"},
	"l-read":     {"read", "read"},
	"l-write":    {"write", "write"},
	"l-eagain":   {"hollow: failed with EAGAIN (any other error is written under it)", "空心：以 EAGAIN 失败（其他错误写在标记下方）"},
	"l-ctl":      {"epoll_ctl ADD / MOD / DEL", "epoll_ctl ADD / MOD / DEL"},
	"l-shutdown": {"shutdown", "shutdown"},
	"l-close":    {"close", "close"},
	"l-setopt":   {"setsockopt (its option and value above it)", "setsockopt（上方是选项和值）"},
	"l-setup":    {"socket, bind, listen, epoll_create1", "socket、bind、listen、epoll_create1"},
	"l-wait":     {"epoll_wait returns: fd and events (0: timeout)", "epoll_wait 返回：fd 及其事件（0：超时）"},
	"l-reported": {"reported by epoll: IN / OUT / HUP", "epoll 报告的事件：IN / OUT / HUP"},
	"l-blocked":  {"blocked in a call (bar in the call's colour)", "阻塞在调用中（横条为该调用的颜色）"},
	"l-open":     {"the fd is open (lavender: the epoll fd)", "fd 已打开（淡紫色：epoll 实例的 fd）"},
	"l-interest": {"pale band: in the interest list for IN / OUT / nothing (0, or EPOLLET alone)",
		"浅色底带：在兴趣列表中，监视 IN / OUT / 什么都不监视（0，或只有 EPOLLET）"},
	"l-queue":     {"the client's side of the connection (waiting in the accept queue until accept4)", "客户端一侧的连接（accept4 之前在全连接队列中等待）"},
	"l-accepted":  {"dotted: accept4 returned this lane's fd", "点线：accept4 返回的正是这条泳道的 fd"},
	"l-eof":       {"EOF under a read: it returned 0 bytes", "read 下方的 EOF：读到 0 字节"},
	"l-client":    {"the client's own events: c connect, s request sent, r response read, d close", "客户端自己的事件（连：连接；发：发出请求；收：读完响应；关：关闭）"},
	"l-gap":       {"+300 ms: a gap of more than 1 ms, with its length", "+300 ms：相隔超过 1 ms 的间隔及其时长"},
	"l-signal":    {"SIGTERM: the recorder stops the server", "录制程序发送 SIGTERM，让服务器退出"},
	"client-fail": {"failed: %s", "失败：%s"},
	// Tooltips.
	"tip-connect": {"client %d connects (port %d)", "客户端 %d 发起连接（端口 %d）"},
	"tip-send":    {"client %d sends its request (%d bytes)", "客户端 %d 发出请求（%d 字节）"},
	"tip-answer":  {"client %d has read the response (%d bytes)", "客户端 %d 读完响应（%d 字节）"},
	"tip-close":   {"client %d closes", "客户端 %d 关闭连接"},
	"tip-fail":    {"client %d failed (%s)", "客户端 %d 失败（%s）"},
	"tip-exited":  {"(the process exited inside the call)", "（进程在调用中退出）"},
}

// say returns the label key in lang, formatted with args.
func say(lang, key string, args ...any) string {
	w, ok := words[key]
	if !ok {
		return "⟦" + key + "⟧" // a missing label; the tests look for these
	}
	s := w[0]
	if lang == "zh-CN" {
		s = w[1]
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// textWidth estimates the width of s in px at font size px, for a
// system-ui font: CJK characters are square, Latin ones narrower.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r >= 0x2e80:
			w += 1.0
		case r == ' ' || r == '.' || r == ',' || r == '|' || r == 'i' || r == 'l' || r == 'I' || r == ':':
			w += 0.3
		case r >= 'A' && r <= 'Z', r == 'm', r == 'w', r == 'M', r == 'W':
			w += 0.68
		default:
			w += 0.56
		}
	}
	return w * size
}
