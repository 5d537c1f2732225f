package main

import (
	"fmt"
	"os"
	"path/filepath"
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

// resolveStatePath picks the progress file: --state, $ROTATETUI_STATE, then the XDG
// state directory.
func resolveStatePath(flag string) (string, error) {
	if flag != "" {
		return filepath.Abs(flag)
	}
	if env := os.Getenv("ROTATETUI_STATE"); env != "" {
		return filepath.Abs(env)
	}
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home directory to keep progress in; use --state FILE: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "rotatetui", "state.json"), nil
}
