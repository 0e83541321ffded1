//! Account pictures. By default every account's picture is made here: an identicon drawn
//! from the account's avatar name, a keyed hash of its id (so the name reveals nothing,
//! no e-mail in particular, and cannot be computed by anyone without the server's key).
//! An outside service of Gravatar's kind is used only when `[picture] DISABLE_GRAVATAR`
//! is turned off, and then only for an e-mail address the caller is shown anyway and its
//! owner did not keep private: an MD5 of an address is as good as the address to anyone
//! holding a list of candidates.

use crate::Services;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use oxforge_core::model::User;
use oxforge_core::{Error, Result};
use sha2::Sha256;
use std::io::Write;

pub use oxforge_core::settings::Picture as PictureSettings;

/// Size of a generated picture when the link names none (Gitea's default avatar size).
pub const DEFAULT_SIZE: u32 = 256;
const MIN_SIZE: u32 = 16;
const MAX_SIZE: u32 = 512;

/// How avatar links are made: the key behind avatar names, and the outside service (if
/// enabled). Cheap to clone; `Debug` shows no key.
#[derive(Clone)]
pub struct Avatars {
    key: [u8; 32],
    /// URL prefix ending in `/`, when an outside service may be used.
    external: Option<String>,
}

impl std::fmt::Debug for Avatars {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Avatars")
            .field("external", &self.external)
            .finish_non_exhaustive()
    }
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length: this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

impl Avatars {
    /// `secret` is the instance's `[security] SECRET_KEY` material; avatar names use a
    /// key derived from it for this purpose alone.
    pub fn new(secret: &[u8; 32], picture: &PictureSettings) -> Avatars {
        let external = (!picture.disable_gravatar).then(|| {
            let source = match picture.gravatar_source.trim() {
                "" | "gravatar" => "https://secure.gravatar.com/avatar/",
                "libravatar" => "https://seccdn.libravatar.org/avatar/",
                "duoshuo" => "http://gravatar.duoshuo.com/avatar/",
                other => other,
            };
            if source.ends_with('/') {
                source.to_string()
            } else {
                format!("{source}/")
            }
        });
        Avatars {
            key: hmac(secret, b"oxforge avatar names"),
            external,
        }
    }

    /// The account's avatar name: 32 hex digits, stable for the account and the key.
    pub fn name_for(&self, user_id: i64) -> String {
        hex::encode(&hmac(&self.key, &user_id.to_be_bytes())[..16])
    }

    /// The link to `user`'s picture. `email_shown`: the caller is shown the real address
    /// in the same answer; only then (and only if the user does not keep it private and
    /// an outside service is enabled) does the address go into a Gravatar-style link.
    pub fn link(&self, root_url: &str, user: &User, email_shown: bool) -> String {
        let email = user.email.trim();
        match &self.external {
            Some(prefix) if email_shown && !user.keep_email_private && !email.is_empty() => {
                let digest = Md5::digest(email.to_lowercase().as_bytes());
                format!("{prefix}{}?d=identicon", hex::encode(digest))
            }
            _ => format!("{root_url}avatars/{}", self.name_for(user.id)),
        }
    }
}

/// Whether `name` has the shape of an avatar name.
pub fn is_avatar_name(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Services {
    /// The generated picture for an avatar name, as PNG, `size` pixels square (clamped;
    /// default `DEFAULT_SIZE`). Any well-formed name has its picture: drawing needs no
    /// lookup, so the answer tells nothing about which accounts exist.
    pub fn avatar_png(&self, name: &str, size: Option<u32>) -> Result<Vec<u8>> {
        if !is_avatar_name(name) {
            return Err(Error::not_found());
        }
        let size = size.unwrap_or(DEFAULT_SIZE).clamp(MIN_SIZE, MAX_SIZE);
        identicon_png(&name.to_ascii_lowercase(), size)
    }
}

/// A 5×5 mirrored identicon in one colour on a light background, drawn from the bytes of
/// `seed`, half a cell of margin around it.
fn identicon_png(seed: &str, size: u32) -> Result<Vec<u8>> {
    let bytes: [u8; 32] = sha2::Sha256::digest(seed.as_bytes()).into();
    // Hue from the first two bytes; saturation and lightness fixed so every picture is
    // readable on the light background.
    let hue = f32::from(u16::from_be_bytes([bytes[0], bytes[1]])) / 65536.0 * 360.0;
    let fg = hsl_to_rgb(hue, 0.55, 0.5);
    let bg = [0xf0, 0xf0, 0xf0];
    let mut cells = [[false; 5]; 5];
    for (row, cols) in cells.iter_mut().enumerate() {
        for col in 0..3 {
            let bit = row * 3 + col;
            let on = bytes[2 + bit / 8] >> (bit % 8) & 1 == 1;
            cols[col] = on;
            cols[4 - col] = on;
        }
    }
    // Six cells across: five drawn, half a cell of margin each side.
    let cell = size as f32 / 6.0;
    let mut raw = Vec::with_capacity((size as usize + 1) * size as usize);
    for y in 0..size {
        raw.push(0); // filter: none
        let gy = (y as f32 / cell - 0.5).floor();
        for x in 0..size {
            let gx = (x as f32 / cell - 0.5).floor();
            let on = (0.0..5.0).contains(&gx)
                && (0.0..5.0).contains(&gy)
                && cells[gy as usize][gx as usize];
            raw.push(u8::from(on));
        }
    }
    png_indexed(size, &[bg, fg], &raw)
}

fn hsl_to_rgb(h: f32, s: f32, l: f32) -> [u8; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |v: f32| ((v + m) * 255.0).round() as u8;
    [to(r), to(g), to(b)]
}

/// A square 8-bit palette PNG from filtered scanlines.
fn png_indexed(size: u32, palette: &[[u8; 3]], scanlines: &[u8]) -> Result<Vec<u8>> {
    let failed = |_| Error::internal("cannot encode the picture");
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(scanlines).map_err(failed)?;
    let idat = z.finish().map_err(failed)?;
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&size.to_be_bytes());
    ihdr.extend_from_slice(&size.to_be_bytes());
    // Bit depth 8, colour type 3 (palette), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 3, 0, 0, 0]);
    let plte: Vec<u8> = palette.iter().flatten().copied().collect();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (b"IHDR", &ihdr),
        (b"PLTE", &plte),
        (b"IDAT", &idat),
        (b"IEND", &Vec::new()),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, email: &str, private: bool) -> User {
        User {
            id,
            email: email.into(),
            keep_email_private: private,
            ..User::ghost()
        }
    }

    #[test]
    fn names_are_keyed_and_reveal_no_email() {
        let a = Avatars::new(&[1; 32], &PictureSettings::default());
        let b = Avatars::new(&[2; 32], &PictureSettings::default());
        let u = user(7, "Foo@Example.com", false);
        let md5 = hex::encode(Md5::digest(b"foo@example.com"));
        let link = a.link("http://h/", &u, true);
        assert!(link.starts_with("http://h/avatars/"), "{link}");
        assert!(!link.contains(&md5));
        assert!(is_avatar_name(&a.name_for(7)));
        assert_eq!(a.name_for(7), a.name_for(7));
        assert_ne!(a.name_for(7), a.name_for(8));
        assert_ne!(a.name_for(7), b.name_for(7));
        assert!(!format!("{a:?}").contains("key"));
    }

    #[test]
    fn gravatar_only_when_enabled_and_for_shown_public_addresses() {
        let on = Avatars::new(
            &[1; 32],
            &PictureSettings {
                disable_gravatar: false,
                gravatar_source: "libravatar".into(),
            },
        );
        let md5 = hex::encode(Md5::digest(b"foo@example.com"));
        let public = user(7, " Foo@Example.com ", false);
        assert_eq!(
            on.link("http://h/", &public, true),
            format!("https://seccdn.libravatar.org/avatar/{md5}?d=identicon")
        );
        assert!(on
            .link("http://h/", &public, false)
            .starts_with("http://h/avatars/"));
        let private = user(7, "foo@example.com", true);
        assert!(on
            .link("http://h/", &private, true)
            .starts_with("http://h/avatars/"));
    }

    #[test]
    fn pictures_are_deterministic_pngs_of_the_asked_size() {
        let svc_free = |name: &str, size: u32| identicon_png(name, size).unwrap();
        let a = svc_free("00112233445566778899aabbccddeeff", 64);
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&a[16..24], &[0, 0, 0, 64, 0, 0, 0, 64]);
        assert_eq!(a, svc_free("00112233445566778899aabbccddeeff", 64));
        assert_ne!(a, svc_free("ffeeddccbbaa99887766554433221100", 64));
        assert!(!is_avatar_name("../../etc/passwd"));
        assert!(!is_avatar_name("00112233445566778899aabbccddeefg"));
    }
}
