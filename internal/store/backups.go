package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// BackupRecord is the last run of `zhitong backup`, kept in meta under
// "last_backup" so the system administrator's home page can show it.
type BackupRecord struct {
	At   time.Time `json:"at"`
	File string    `json:"file"`
	Size int64     `json:"size"`
}

const backupKey = "last_backup"

// RecordBackup stores r as the last backup.
func (db *DB) RecordBackup(ctx context.Context, r BackupRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return db.Write(ctx, func(tx *Tx) error { return tx.SetMeta(ctx, backupKey, string(b)) })
}

// LastBackup returns the last recorded backup; a zero At means none was.
func LastBackup(ctx context.Context, q Q) (BackupRecord, error) {
	var r BackupRecord
	v, err := GetMeta(ctx, q, backupKey)
	if err != nil || v == "" {
		return r, err
	}
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return r, fmt.Errorf("meta %s: %w", backupKey, err)
	}
	return r, nil
}
