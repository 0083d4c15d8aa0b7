package temporalserver

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// RunningAddress returns the frontend address of an embedded server that
// already runs on dir (a `rectify serve` in another process), so a one-shot
// command uses it instead of starting a second server on the same files.
func RunningAddress(dir string) (string, bool) {
	data, err := os.ReadFile(filepath.Join(dir, "ports.json"))
	if err != nil {
		return "", false
	}
	var ports Ports
	if json.Unmarshal(data, &ports) != nil || ports.Frontend == 0 {
		return "", false
	}
	addr := net.JoinHostPort(loopback, strconv.Itoa(ports.Frontend))
	conn, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
	if err != nil {
		return "", false
	}
	_ = conn.Close()
	return addr, true
}
