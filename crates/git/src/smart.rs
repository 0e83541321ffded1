//! The smart HTTP services, run as `git upload-pack`/`git receive-pack --stateless-rpc`.

use std::path::Path;
use std::process::Stdio;
use tokio::process::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    UploadPack,
    ReceivePack,
    /// `git archive --remote` (SSH only: smart HTTP has no such service).
    UploadArchive,
}

impl Service {
    /// From `git-upload-pack` / `git-receive-pack` (the `service=` value and the RPC path).
    pub fn parse(s: &str) -> Option<Service> {
        match s {
            "git-upload-pack" => Some(Service::UploadPack),
            "git-receive-pack" => Some(Service::ReceivePack),
            "git-upload-archive" => Some(Service::UploadArchive),
            _ => None,
        }
    }
    /// `upload-pack` / `receive-pack`.
    pub fn name(self) -> &'static str {
        match self {
            Service::UploadPack => "upload-pack",
            Service::ReceivePack => "receive-pack",
            Service::UploadArchive => "upload-archive",
        }
    }
    pub fn is_push(self) -> bool {
        self == Service::ReceivePack
    }
}

/// Only `version=N` and similar `key=value` items separated by `:` may pass to git.
pub fn sanitize_protocol(header: &str) -> Option<String> {
    let ok = !header.is_empty()
        && header.len() <= 256
        && header.split(':').all(|kv| {
            !kv.is_empty()
                && kv
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"=._-".contains(&b))
        });
    ok.then(|| header.to_string())
}

/// The command for one service call: the ref advertisement, the stateless RPC (HTTP), or
/// a full-duplex session (SSH). Stdin, stdout and stderr are piped; the process dies with
/// its handle.
pub fn service_command(
    path: &Path,
    service: Service,
    advertise: bool,
    stateless: bool,
    protocol: Option<&str>,
) -> Command {
    let mut c = crate::git();
    if let Some(p) = protocol {
        c.env("GIT_PROTOCOL", p);
    }
    // Serve what git supports for shallow and partial clones.
    c.args(["-c", "uploadpack.allowFilter=true"]);
    c.arg(service.name());
    if stateless && service != Service::UploadArchive {
        c.arg("--stateless-rpc");
    }
    if advertise {
        c.arg("--advertise-refs");
    }
    c.arg(path)
        .stdin(if advertise {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    c
}

/// A pkt-line.
pub fn pkt_line(data: &str) -> Vec<u8> {
    let mut out = format!("{:04x}", data.len() + 4).into_bytes();
    out.extend_from_slice(data.as_bytes());
    out
}
