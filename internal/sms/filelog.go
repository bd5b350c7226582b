package sms

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FileLog is the log-only driver writing to a file: one line per message
// (the Log format), synced to disk before Send returns. Because the file is
// its whole record, it can also answer Sent, which lets the outbox settle a
// send interrupted by a crash without sending twice.
type FileLog struct {
	mu   sync.Mutex
	f    *os.File
	path string
}

// OpenFileLog opens (creating) the log file for appending.
func OpenFileLog(path string) (*FileLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	return &FileLog{f: f, path: path}, nil
}

// Name implements Sender.
func (l *FileLog) Name() string { return "log" }

// Send writes the message's line and syncs the file.
func (l *FileLog) Send(ctx context.Context, m Message) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	id, err := (&Log{W: l.f}).Send(ctx, m)
	if err != nil {
		return "", err
	}
	return id, l.f.Sync()
}

// Sent reports whether a message with this idempotency key is in the file.
// (phone and at narrow a provider's search; the file needs only the key.)
func (l *FileLog) Sent(ctx context.Context, phone, key string, at time.Time) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.Open(l.path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	want := " key=" + strconv.Quote(key)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasSuffix(sc.Text(), want) {
			return true, nil
		}
	}
	return false, sc.Err()
}

// Close closes the file.
func (l *FileLog) Close() error { return l.f.Close() }
