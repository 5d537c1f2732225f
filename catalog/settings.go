package catalog

// Settings is config.toml: the user's preferences that belong to neither a catalog
// nor the progress file. It is read by the same strict decoder as catalogs, so its
// problems are reported the same way (file:line:col, every one, unknown keys too).
type Settings struct {
	RotateEvery Duration // the default rotation interval; zero when unset
	// State is where progress is kept when neither --state nor $ROTATETUI_STATE says:
	// a file, or a postgres:// URL; "" when unset.
	State string
}

// ParseSettings decodes config.toml. On failure the error is an *Error.
func ParseSettings(name string, data []byte) (Settings, error) {
	p := &parser{file: name, data: data}
	var s Settings
	if raw := p.decode(); raw != nil {
		t := table{p: p, f: raw}
		s.RotateEvery = t.duration("rotate_every")
		s.State, _ = t.str("state")
		t.rejectUnknown("rotate_every", "state")
	}
	if err := p.err(); err != nil {
		return Settings{}, err
	}
	return s, nil
}
