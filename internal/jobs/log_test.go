package jobs

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRiverLogsOnlyWarnings(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(warnOnly{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})}).With("client", "river")
	log.Info("producer: Producer job counts")
	log.Warn("job failed", "attempt", 2)
	out := buf.String()
	if strings.Contains(out, "Producer job counts") {
		t.Errorf("an INFO record got through: %s", out)
	}
	if !strings.Contains(out, "job failed") || !strings.Contains(out, "client=river") {
		t.Errorf("the warning, with its attributes, is missing: %q", out)
	}
}
