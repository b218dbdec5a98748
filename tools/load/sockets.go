//go:build linux

package load

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// tcpEstablished is TCP_ESTABLISHED in /proc/net/tcp's st column.
const tcpEstablished = 1

// TCPEntry is one line of /proc/net/tcp.
type TCPEntry struct {
	Local, Remote string // 127.0.0.1:8080
	State         int    // 1 ESTABLISHED, 10 LISTEN, …
	Inode         string
}

// ParseProcNetTCP reads /proc/net/tcp's format: after a header line, one
// socket a line, with addresses as hex "0100007F:1F90" (the IPv4 address
// in the kernel's byte order, the port big-endian).
func ParseProcNetTCP(r io.Reader) ([]TCPEntry, error) {
	var out []TCPEntry
	scan := bufio.NewScanner(r)
	first := true
	for scan.Scan() {
		if first {
			first = false
			continue
		}
		f := strings.Fields(scan.Text())
		if len(f) < 10 {
			continue
		}
		local, err := hexAddr(f[1])
		if err != nil {
			return nil, err
		}
		remote, err := hexAddr(f[2])
		if err != nil {
			return nil, err
		}
		state, err := strconv.ParseInt(f[3], 16, 32)
		if err != nil {
			return nil, fmt.Errorf("/proc/net/tcp: state %q: %w", f[3], err)
		}
		out = append(out, TCPEntry{Local: local, Remote: remote, State: int(state), Inode: f[9]})
	}
	return out, scan.Err()
}

func hexAddr(s string) (string, error) {
	ip, port, ok := strings.Cut(s, ":")
	a, err1 := strconv.ParseUint(ip, 16, 32)
	p, err2 := strconv.ParseUint(port, 16, 16)
	if !ok || len(ip) != 8 || err1 != nil || err2 != nil {
		return "", fmt.Errorf("/proc/net/tcp: address %q", s)
	}
	return fmt.Sprintf("%d.%d.%d.%d:%d", byte(a), byte(a>>8), byte(a>>16), byte(a>>24), p), nil
}

// serverSocket returns a duplicate, in this process, of the socket that
// server process pid accepted for conn (pidfd_getfd(2), Linux 5.6; it needs
// the right to ptrace the server, which its parent has under the default
// Yama setting). Socket options and TCP_INFO read through the duplicate
// are the server socket's own, and the socket lives on after the server
// closes its fd. It waits up to 5 s for the accept.
func serverSocket(pid int, conn net.Conn) (int, error) {
	deadline := time.Now().Add(5 * time.Second)
	link, err := serverInode(conn, deadline)
	if err != nil {
		return -1, err
	}
	target := -1
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	for ; target < 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			return -1, fmt.Errorf("the server never accepted %v", conn.LocalAddr())
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return -1, err
		}
		for _, e := range entries {
			if l, err := os.Readlink(dir + "/" + e.Name()); err == nil && l == link {
				target, _ = strconv.Atoi(e.Name())
			}
		}
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return -1, os.NewSyscallError("pidfd_open", err)
	}
	defer unix.Close(pidfd)
	fd, err := unix.PidfdGetfd(pidfd, target, 0)
	if err != nil {
		return -1, os.NewSyscallError("pidfd_getfd", err)
	}
	return fd, nil
}

// serverInode finds the server's end of conn in /proc/net/tcp and returns
// it as the link its fd has in /proc/PID/fd ("socket:[INODE]"). The entry
// appears once the server's kernel has taken the handshake's last ACK, a
// moment after the client's connect returns. The same pair of addresses may
// also name an old connection in TIME_WAIT (loopback reuses client ports
// quickly): it has no inode, and is skipped.
func serverInode(conn net.Conn, deadline time.Time) (string, error) {
	for ; ; time.Sleep(time.Millisecond) {
		data, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			return "", err
		}
		entries, err := ParseProcNetTCP(strings.NewReader(string(data)))
		if err != nil {
			return "", err
		}
		for _, e := range entries {
			if e.Local == conn.RemoteAddr().String() && e.Remote == conn.LocalAddr().String() &&
				e.State == tcpEstablished && e.Inode != "0" {
				return "socket:[" + e.Inode + "]", nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no established server-side socket for %v in /proc/net/tcp", conn.LocalAddr())
		}
	}
}

// tcpInfo reads TCP_INFO from a connection of this process.
func tcpInfo(conn *net.TCPConn) (*unix.TCPInfo, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return nil, err
	}
	var info *unix.TCPInfo
	var serr error
	if err := raw.Control(func(fd uintptr) {
		info, serr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil {
		return nil, err
	}
	return info, os.NewSyscallError("getsockopt TCP_INFO", serr)
}

// setTCPOption sets an integer TCP option on a connection of this process.
func setTCPOption(conn *net.TCPConn, name string, option, value int) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, option, value)
	}); err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("setsockopt %s=%d: %w", name, value, serr)
	}
	return nil
}
