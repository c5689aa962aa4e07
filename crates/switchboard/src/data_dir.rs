//! The data directory: everything Switchboard keeps between runs lives
//! here. Today that is the node secret, which keys the digest nonces so
//! challenges issued before a restart stay valid after it.

use anyhow::Context;
use rand::RngCore;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An opened data directory.
pub struct DataDir {
    path: PathBuf,
}

impl DataDir {
    /// Opens `path`, creating it (mode 0700) when missing.
    pub fn open(path: &Path) -> anyhow::Result<DataDir> {
        fs::create_dir_all(path)
            .with_context(|| format!("cannot create data directory {}", path.display()))?;
        restrict(path, 0o700)?;
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Ok(DataDir { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The node secret, created on first use; readable by the owner only.
    pub fn node_secret(&self) -> anyhow::Result<[u8; 32]> {
        let file = self.path.join("node.key");
        if let Ok(bytes) = fs::read(&file) {
            if let Ok(secret) = <[u8; 32]>::try_from(bytes.as_slice()) {
                return Ok(secret);
            }
            anyhow::bail!(
                "{} is damaged: it must hold 32 bytes; delete it to make a new one",
                file.display()
            );
        }
        let mut secret = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        let tmp = self.path.join("node.key.tmp");
        let mut f =
            fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        restrict(&tmp, 0o600)?;
        f.write_all(&secret)?;
        f.sync_all()?;
        fs::rename(&tmp, &file)?;
        Ok(secret)
    }
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot set permissions on {}", path.display()))
}

#[cfg(not(unix))]
fn restrict(_: &Path, _: u32) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_survives_reopening() {
        let dir = std::env::temp_dir().join(format!("sb-data-{}", std::process::id()));
        let a = DataDir::open(&dir).unwrap().node_secret().unwrap();
        let b = DataDir::open(&dir).unwrap().node_secret().unwrap();
        assert_eq!(a, b);
        fs::remove_dir_all(dir).unwrap();
    }
}
