package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rotatetui/rotatetui/state"
)

// paths.go says where rotatetui's files are: the config directory, the user's catalog,
// keys.toml and config.toml, and the progress file.

// configDir is $XDG_CONFIG_HOME/rotatetui (default ~/.config/rotatetui), or "" without
// a home directory.
func configDir() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "rotatetui")
}

// userCatalogPath is the catalog a user keeps beside their config, if they made one.
func userCatalogPath() string {
	if dir := configDir(); dir != "" {
		return filepath.Join(dir, "catalog.toml")
	}
	return ""
}

// catalogFiles lists the user catalog files in layering order.
func catalogFiles(o options) []string {
	var files []string
	if p := userCatalogPath(); p != "" {
		if _, err := os.Stat(p); err == nil {
			files = append(files, p)
		}
	}
	return append(files, o.catalogs...)
}

// userKeysPath is $XDG_CONFIG_HOME/rotatetui/keys.toml, the keys file (see
// keysfile.go), or "" without a home.
func userKeysPath() string {
	if dir := configDir(); dir != "" {
		return filepath.Join(dir, "keys.toml")
	}
	return ""
}

// userConfigPath is $XDG_CONFIG_HOME/rotatetui/config.toml, or "" without a home.
func userConfigPath() string {
	if dir := configDir(); dir != "" {
		return filepath.Join(dir, "config.toml")
	}
	return ""
}

// errConnString is resolveStateSpec's refusal of a libpq connection string: a usage
// error, as the spec is the person's to change.
var errConnString = errors.New("not a file name nor a postgres:// URL")

// resolveStatePath picks the progress file: --state, $ROTATETUI_STATE, then the XDG
// state directory.
func resolveStatePath(flag string) (string, error) { return resolveStateSpec(flag, "") }

// resolveStateSpec picks the progress store: --state, $ROTATETUI_STATE, setting
// (config.toml's state = "…"), then state.json in the XDG state directory. A
// postgres:// or postgresql:// URL names a database and is kept as it is; anything
// else is a file, made absolute.
func resolveStateSpec(flag, setting string) (string, error) {
	for i, spec := range []string{flag, os.Getenv("ROTATETUI_STATE"), setting} {
		switch {
		case spec == "":
		case state.IsPGURL(spec):
			return spec, nil
		case state.IsConnString(spec):
			// Not echoed: it may hold a password.
			where := [...]string{"--state", "$ROTATETUI_STATE", "state in config.toml"}[i]
			return "", fmt.Errorf("%w: %s looks like a libpq connection string (host=… dbname=…); rotatetui takes a database as a URL, postgres://USER@HOST:PORT/DATABASE?sslmode=require, with the password in ~/.pgpass (the PG* variables fill in what the URL leaves out)", errConnString, where)
		default:
			return filepath.Abs(spec)
		}
	}
	dir, err := stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "state.json"), nil
}

// stateDir is $XDG_STATE_HOME/rotatetui (default ~/.local/state/rotatetui): the
// progress file, and a database's journal and rescue files.
func stateDir() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home directory to keep progress in; use --state FILE: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "rotatetui"), nil
}
