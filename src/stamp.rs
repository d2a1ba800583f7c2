//! File-system stamps (size, mtime) and when an unchanged one can be trusted.
//!
//! The index decides whether it is fresh, and the manifest whether a directory listing
//! can be reused, by comparing mtimes with those recorded earlier instead of reading
//! contents. Like git, they distrust an mtime too close to the moment it was recorded:
//! on a file system with coarse timestamps a change in that same tick would leave the
//! mtime as it was.

use std::fs::Metadata;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An mtime this close to (or after) the moment it was recorded is not trusted.
pub const RACY_WINDOW: Duration = Duration::from_secs(2);

/// Nanoseconds since the Unix epoch, now.
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos() as u64
}

/// A file's or directory's mtime in nanoseconds since the Unix epoch (0 if unknown).
pub fn mtime_ns(md: &Metadata) -> u64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Whether an mtime recorded at `recorded_at_ns` was old enough then for a later equal
/// mtime to mean "unchanged".
pub fn trusted(mtime_ns: u64, recorded_at_ns: u64) -> bool {
    mtime_ns.saturating_add(RACY_WINDOW.as_nanos() as u64) <= recorded_at_ns
}

/// Size and mtime (ns) of many files, `stat`ed through an open handle on their
/// directory: consecutive files of one directory (corpus order) resolve only their
/// name, not the whole path. Follows symlinks, like [`std::fs::metadata`].
#[derive(Default)]
pub struct Stater {
    #[cfg(unix)]
    dir: Option<(std::path::PathBuf, rustix::fd::OwnedFd)>,
}

impl Stater {
    /// `None` when the file cannot be `stat`ed.
    pub fn size_and_mtime(&mut self, path: &Path) -> Option<(u64, u64)> {
        #[cfg(unix)]
        {
            use rustix::fs::{AtFlags, Mode, OFlags};
            let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
                return std::fs::metadata(path)
                    .ok()
                    .map(|md| (md.len(), mtime_ns(&md)));
            };
            if self.dir.as_ref().is_none_or(|(d, _)| d != parent) {
                let dir = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                let fd = rustix::fs::open(dir, flags, Mode::empty()).ok()?;
                self.dir = Some((parent.to_path_buf(), fd));
            }
            let (_, fd) = self.dir.as_ref()?;
            let st = rustix::fs::statat(fd, name, AtFlags::empty()).ok()?;
            let mtime = if st.st_mtime < 0 {
                0
            } else {
                (st.st_mtime as u64)
                    .saturating_mul(1_000_000_000)
                    .saturating_add(st.st_mtime_nsec as u64)
            };
            Some((st.st_size as u64, mtime))
        }
        #[cfg(not(unix))]
        {
            std::fs::metadata(path)
                .ok()
                .map(|md| (md.len(), mtime_ns(&md)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stater_agrees_with_std_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let mut stater = Stater::default();
        for name in ["a.txt", "b.md", "c d.txt"] {
            let path = dir.path().join(name);
            std::fs::write(&path, name.repeat(7)).unwrap();
            let md = std::fs::metadata(&path).unwrap();
            assert_eq!(
                stater.size_and_mtime(&path),
                Some((md.len(), mtime_ns(&md)))
            );
        }
        assert_eq!(stater.size_and_mtime(&dir.path().join("missing")), None);
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("e.txt"), "e").unwrap();
        assert_eq!(
            stater.size_and_mtime(&sub.join("e.txt")).map(|s| s.0),
            Some(1)
        );
    }
}
