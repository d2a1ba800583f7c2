//! Opening a published generation without writing to it, so that an index shared
//! read-only (a CI cache, another user's build, a read-only checkout) can be searched.
//!
//! tantivy's reader takes its meta lock (`.tantivy-meta.lock`, a file it creates) while
//! loading segments, which fails where the index cannot be written. The lock guards
//! `meta.json` against a concurrent writer's garbage collection; a published generation
//! is never written again (builds go to a new directory), so there is nothing to guard
//! and the lock is granted without a file.

use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// A generation's directory, read through mmap; locks are no-ops.
#[derive(Clone, Debug)]
pub(super) struct Published(MmapDirectory);

impl Published {
    pub(super) fn open(dir: &Path) -> tantivy::Result<Self> {
        Ok(Published(MmapDirectory::open(dir).map_err(|e| {
            tantivy::TantivyError::SystemError(e.to_string())
        })?))
    }
}

impl Directory for Published {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }
    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}
