package state

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchSettle is how long Watch waits after a change for more to follow, so a burst of
// saves is reported once.
const watchSettle = 50 * time.Millisecond

// Watch reports, on the returned channel, that the state file may have changed: saved
// by another rotatetui (or by this one). It watches the directory rather than the file,
// because every save replaces the file by renaming a new one over it. Notifications are
// coalesced and never block the watcher; the receiver re-reads with Load. The channel is
// closed when ctx ends. Watch creates the directory (0700) if it does not exist yet,
// since there is nothing to watch otherwise. Waiting on the channel costs no CPU.
func (s *Store) Watch(ctx context.Context) (<-chan struct{}, error) {
	w, file, err := s.watchDir()
	if err != nil {
		return nil, err
	}
	out := make(chan struct{}, 1)
	go relayChanges(ctx, w, file, out)
	return out, nil
}

// watchDir creates the state file's directory if need be and starts watching it. file
// is the path whose events are the state file's.
func (s *Store) watchDir() (w *fsnotify.Watcher, file string, err error) {
	if err := s.fsys.MkdirAll(s.dir(), 0o700); err != nil {
		return nil, "", fmt.Errorf("watch %s: %w", s.dir(), err)
	}
	// Saves replace the real file, in its own directory: a state file that is a
	// symbolic link is watched where it points.
	s, err = s.resolved()
	if err != nil {
		return nil, "", fmt.Errorf("watch: %w", err)
	}
	w, err = fsnotify.NewWatcher()
	if err != nil {
		return nil, "", fmt.Errorf("watch %s: %w", s.dir(), err)
	}
	if err := w.Add(s.dir()); err != nil {
		_ = w.Close()
		return nil, "", fmt.Errorf("watch %s: %w", s.dir(), err)
	}
	return w, s.file(), nil
}

// relayChanges turns the watcher's events on file into notifications on out, one per
// burst, until ctx ends or the watcher stops; then it closes both.
func relayChanges(ctx context.Context, w *fsnotify.Watcher, file string, out chan<- struct{}) {
	defer close(out)
	defer w.Close()
	var settle <-chan time.Time
	// wait starts the settling time unless it is running: the burst's later events
	// join the notification already due.
	wait := func() {
		if settle == nil {
			settle = time.After(watchSettle)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if filepath.Clean(ev.Name) == file {
				wait()
			}
		case _, ok := <-w.Errors:
			if !ok {
				return
			}
			// An overflow may have hidden a change: tell the receiver to re-read.
			wait()
		case <-settle:
			settle = nil
			select {
			case out <- struct{}{}:
			default: // one pending notification is enough
			}
		}
	}
}
