package state

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgMaxConns bounds the connections a PGStore keeps: the UI saves and reads at once,
// and a watcher has its own.
const pgMaxConns = 4

// pgConnectTimeout bounds a connection attempt, so an unreachable server fails a save
// (which the UI retries) rather than hanging it.
const pgConnectTimeout = 5 * time.Second

// connPool is a small pool of connections, dialled when needed: pgx's own pool lives
// in another module.
type connPool struct {
	connect func(ctx context.Context) (*pgx.Conn, error)
	idle    chan *pgx.Conn
	slots   chan struct{} // one per connection open or being dialled
}

// get returns an idle connection, or dials one when fewer than pgMaxConns are open.
func (p *connPool) get(ctx context.Context) (*pgx.Conn, error) {
	select {
	case c := <-p.idle:
		return c, nil
	default:
	}
	select {
	case c := <-p.idle:
		return c, nil
	case p.slots <- struct{}{}:
		c, err := p.connect(ctx)
		if err != nil {
			<-p.slots
			return nil, err
		}
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put gives c back after a use that ended with err: a connection that broke, or whose
// transaction failed in a way that may leave it unusable, is closed instead.
func (p *connPool) put(c *pgx.Conn, err error) {
	if c.IsClosed() || !usable(err) {
		_ = c.Close(context.Background())
		<-p.slots
		return
	}
	select {
	case p.idle <- c:
	default:
		_ = c.Close(context.Background())
		<-p.slots
	}
}

// close closes the idle connections.
func (p *connPool) close() {
	for {
		select {
		case c := <-p.idle:
			_ = c.Close(context.Background())
			<-p.slots
		default:
			return
		}
	}
}

// connect dials the database.
func (s *PGStore) connect(ctx context.Context) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, pgConnectTimeout)
	defer cancel()
	return pgx.ConnectConfig(ctx, s.cfg.Copy())
}

// Watch reports, on the returned channel, that the state may have changed: every save
// notifies on commit, and Watch listens on a connection of its own (LISTEN), which
// costs no CPU while nothing happens. When the connection is lost it connects again,
// waiting longer each time up to 5 s, and then reports a change, since saves made
// meanwhile notified nobody. The channel is closed when ctx ends.
func (s *PGStore) Watch(ctx context.Context) (<-chan struct{}, error) {
	out := make(chan struct{}, 1)
	go s.listen(ctx, out)
	return out, nil
}

func (s *PGStore) listen(ctx context.Context, out chan<- struct{}) {
	defer close(out)
	notify := func() {
		select {
		case out <- struct{}{}:
		default: // one pending notification is enough
		}
	}
	delay, first := 100*time.Millisecond, true
	for ctx.Err() == nil {
		conn, err := s.connect(ctx)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+pgNotifyChannel)
		}
		if err == nil {
			if !first {
				notify() // catch up on what was saved while we were away
			}
			first, delay = false, 100*time.Millisecond
			for err == nil {
				if _, err = conn.WaitForNotification(ctx); err == nil {
					notify()
				}
			}
		}
		if conn != nil {
			_ = conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return
		}
		first = false
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}
