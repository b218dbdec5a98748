/*
 * floor: chapter 3's event loop in C, the floor that `make bench` measures
 * the Go chapters against. It makes the same system calls per request as
 * ch3-epoll-lt (accept4, epoll_ctl ADD, read, epoll_ctl MOD to EPOLLOUT,
 * write, epoll_ctl MOD to 0, shutdown, epoll_ctl DEL, close, and its share
 * of epoll_wait) and nothing else, so that the difference between the two
 * is what the Go runtime adds.
 *
 * It keeps the chapters' command line and behaviour: -addr HOST:PORT,
 * -backlog N, -quiet, -split N; "listening on HOST:PORT" on stderr with the
 * port bound; the article's response bytes; a request ends at the first
 * "\n\n" or "\n\r\n" and may not grow past 64 KiB; EINTR is retried, EAGAIN
 * waits for the next event, EOF and errors such as ECONNRESET drop the
 * connection; SIGINT or SIGTERM closes everything and exits 0.
 *
 * Built by the bench with the system's C compiler:
 *     cc -O2 -Wall -Wextra -Werror -o floor floor.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_REQUEST (64 * 1024) /* the chapters' cap, maxRequest */
#define READ_SIZE 1024          /* one read, as in the article */
#define MAX_EVENTS 64

static const char response[] =
	"HTTP/1.0 200 OK\r\nDate: Mon, 1 Jan 1996 01:01:01 GMT\r\n"
	"Content-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
	"Hello, world!";
#define RESPONSE_LEN (sizeof response - 1)

/* One connection's state, in a table indexed by fd (the chapters' maps). */
struct conn {
	int open;
	struct sockaddr_in peer;
	char *request; /* kept across connections that reuse the fd */
	size_t len, cap;
	size_t sent;
};

static struct conn *conns;
static size_t nconns;

static int quiet;
static size_t piece = RESPONSE_LEN;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

static void usage(const char *why)
{
	fprintf(stderr, "%s\nusage: floor [-addr HOST:PORT] [-backlog N] [-quiet] [-split N]\n", why);
	exit(2);
}

/* parse_addr reads HOST:PORT; HOST is an IPv4 literal, "localhost" or empty. */
static int parse_addr(const char *s, struct sockaddr_in *sa)
{
	const char *colon = strrchr(s, ':');
	char host[64], *end;
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)port);
	if (host[0] == '\0')
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

/* number reads a flag's integer value within [lo, hi]. */
static int number(const char *flag, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		fprintf(stderr, "-%s: %s is not between %ld and %ld\n", flag, s, lo, hi);
		usage("bad flag value");
	}
	return (int)v;
}

/* Flags as Go's flag package takes them: -name value, -name=value, --name. */
static void parse_flags(int argc, char **argv, struct sockaddr_in *addr, int *backlog)
{
	const char *addr_s = "0.0.0.0:8080";
	int split = 1;

	*backlog = 1;
	for (int i = 1; i < argc; i++) {
		char *name = argv[i], *value;

		if (name[0] != '-')
			usage("unexpected argument");
		name += name[1] == '-' ? 2 : 1;
		value = strchr(name, '=');
		if (value != NULL)
			*value++ = '\0';
		if (strcmp(name, "quiet") == 0) {
			quiet = value == NULL || strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
			continue;
		}
		if (value == NULL) {
			if (i + 1 == argc)
				usage("flag needs a value");
			value = argv[++i];
		}
		if (strcmp(name, "addr") == 0)
			addr_s = value;
		else if (strcmp(name, "backlog") == 0)
			*backlog = number("backlog", value, 0, 1 << 30);
		else if (strcmp(name, "split") == 0)
			split = number("split", value, 1, 64);
		else
			usage("unknown flag");
	}
	if (parse_addr(addr_s, addr) != 0)
		usage("-addr: not an IPv4 HOST:PORT");
	piece = (RESPONSE_LEN + split - 1) / split;
}

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static void report(const char *what, int fd, int err)
{
	fprintf(stderr, "%s on fd %d: %s\n", what, fd, strerror(err));
}

static int ctl(int epfd, int op, int fd, unsigned events)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	return epoll_ctl(epfd, op, fd, &ev);
}

/* drop forgets a connection: out of the interest list, closed, reset. */
static void drop(int epfd, int fd)
{
	if (ctl(epfd, EPOLL_CTL_DEL, fd, 0) != 0)
		report("epoll_ctl DEL", fd, errno);
	close(fd); /* never retried: the fd is released even on EINTR */
	conns[fd].open = 0;
	conns[fd].len = 0;
	conns[fd].sent = 0;
}

/* request_end returns the length of the request up to its first "\n\n" or
 * "\n\r\n", or 0 when it has not ended yet. */
static size_t request_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* echo prints a request after 40 dashes, control bytes escaped. */
static void echo(const char *buf, size_t len)
{
	fputs("----------------------------------------\n", stdout);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('\n');
	fflush(stdout);
}

static struct conn *slot(int fd)
{
	if ((size_t)fd >= nconns) {
		size_t n = nconns ? nconns : 1024;
		struct conn *grown;

		while (n <= (size_t)fd)
			n *= 2;
		grown = realloc(conns, n * sizeof *grown);
		if (grown == NULL)
			return NULL;
		memset(grown + nconns, 0, (n - nconns) * sizeof *grown);
		conns = grown;
		nconns = n;
	}
	return &conns[fd];
}

/* spare is an fd held back so that accept can shed a connection on EMFILE
 * instead of spinning on a listening socket that stays readable. */
static int spare = -1;

static void on_accept(int epfd, int server)
{
	struct sockaddr_in peer;
	socklen_t plen = sizeof peer;
	struct conn *c;
	int fd;

	for (;;) {
		fd = accept4(server, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		switch (errno) {
		case EINTR:
		case ECONNABORTED:
			plen = sizeof peer;
			continue;
		case EAGAIN:
			return;
		case EMFILE:
		case ENFILE:
			if (spare < 0)
				return;
			close(spare);
			fd = accept4(server, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				fprintf(stderr, "accept4: %s: closed a connection\n", strerror(EMFILE));
				close(fd);
			}
			spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return;
			plen = sizeof peer;
			continue;
		default:
			report("accept4", server, errno);
			return;
		}
	}
	c = slot(fd);
	if (c == NULL || ctl(epfd, EPOLL_CTL_ADD, fd, EPOLLIN) != 0) {
		report("epoll_ctl ADD", fd, c == NULL ? ENOMEM : errno);
		close(fd);
		return;
	}
	c->open = 1;
	c->peer = peer;
	c->len = 0;
	c->sent = 0;
}

static void on_readable(int epfd, int fd)
{
	struct conn *c = &conns[fd];
	size_t end;
	ssize_t n;

	if (c->cap - c->len < READ_SIZE) {
		size_t cap = c->cap ? c->cap * 2 : 2 * READ_SIZE;
		char *grown = realloc(c->request, cap);
		if (grown == NULL) {
			report("read buffer", fd, ENOMEM);
			drop(epfd, fd);
			return;
		}
		c->request = grown;
		c->cap = cap;
	}
	do
		n = read(fd, c->request + c->len, READ_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != EAGAIN)
			drop(epfd, fd); /* ECONNRESET and the like */
		return;
	}
	if (n == 0) {
		drop(epfd, fd); /* FIN before the request ended */
		return;
	}
	c->len += (size_t)n;
	end = request_end(c->request, c->len);
	if (end > 0) {
		if (ctl(epfd, EPOLL_CTL_MOD, fd, EPOLLOUT) != 0) {
			drop(epfd, fd);
			return;
		}
		if (!quiet)
			echo(c->request, end - 2);
	} else if (c->len > MAX_REQUEST) {
		fprintf(stderr, "%s:%d: dropped: request over %d KiB without an empty line\n",
			inet_ntoa(c->peer.sin_addr), ntohs(c->peer.sin_port), MAX_REQUEST >> 10);
		drop(epfd, fd);
	}
}

static void on_writable(int epfd, int fd)
{
	struct conn *c = &conns[fd];
	size_t len = RESPONSE_LEN - c->sent;
	ssize_t n;

	if (len > piece)
		len = piece;
	do
		n = write(fd, response + c->sent, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != EAGAIN)
			drop(epfd, fd); /* EPIPE, ECONNRESET */
		return;
	}
	c->sent += (size_t)n;
	if (c->sent < RESPONSE_LEN)
		return;
	if (ctl(epfd, EPOLL_CTL_MOD, fd, 0) != 0 || shutdown(fd, SHUT_RDWR) != 0)
		drop(epfd, fd);
}

int main(int argc, char **argv)
{
	struct epoll_event events[MAX_EVENTS];
	struct sockaddr_in addr;
	socklen_t alen = sizeof addr;
	struct sigaction sa;
	sigset_t blocked, waiting;
	char host[INET_ADDRSTRLEN];
	int backlog, server, epfd, one = 1;

	parse_flags(argc, argv, &addr, &backlog);

	/* SIGINT and SIGTERM are blocked except inside epoll_pwait, so that a
	 * signal always interrupts the wait and never falls between the check
	 * of stop_signal and the call. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGTERM);
	sigprocmask(SIG_BLOCK, &blocked, &waiting);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGTERM);

	spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (server < 0)
		fail("socket");
	if (setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
		perror("setsockopt SO_REUSEADDR");
	if (bind(server, (struct sockaddr *)&addr, sizeof addr) != 0)
		fail("bind");
	if (listen(server, backlog) != 0)
		fail("listen");
	if (fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK) != 0)
		fail("fcntl");
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		fail("epoll_create1");
	if (ctl(epfd, EPOLL_CTL_ADD, server, EPOLLIN) != 0)
		fail("epoll_ctl");
	if (getsockname(server, (struct sockaddr *)&addr, &alen) != 0)
		fail("getsockname");
	inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host);
	fprintf(stderr, "listening on %s:%d\n", host, ntohs(addr.sin_port));

	while (!stop_signal) {
		/* At most 1000 ms, the article's one second. */
		int n = epoll_pwait(epfd, events, MAX_EVENTS, 1000, &waiting);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("epoll_wait");
		}
		for (int i = 0; i < n; i++) {
			int fd = events[i].data.fd;
			unsigned ev = events[i].events;

			if (fd == server)
				on_accept(epfd, server);
			else if (ev & EPOLLIN)
				on_readable(epfd, fd);
			else if (ev & EPOLLOUT)
				on_writable(epfd, fd);
			else if (ev & (EPOLLHUP | EPOLLERR))
				drop(epfd, fd);
		}
	}

	fprintf(stderr, "%s: closing down\n", stop_signal == SIGINT ? "interrupt" : "terminated");
	for (size_t fd = 0; fd < nconns; fd++) {
		if (conns[fd].open)
			drop(epfd, (int)fd);
		free(conns[fd].request);
	}
	free(conns);
	ctl(epfd, EPOLL_CTL_DEL, server, 0);
	close(epfd);
	close(server);
	return 0;
}
