//! IP entries: telling an IP form from a name, reading IPv4 forms (an
//! address, `4.3.2.*`, `a.b.c.x-y`) in one scan of their bytes, and the
//! address as the engine compares it.

use std::net::{IpAddr, Ipv4Addr};

use super::{Kind, Pattern};

/// IPv4-mapped IPv6 addresses compare equal to their IPv4 form.
pub fn normalize(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

pub(super) fn looks_like_ipv4(s: &str) -> bool {
    let first = s.as_bytes()[0];
    (first.is_ascii_digit() || first == b'*')
        && s.contains('.')
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'*' | b'-' | b'/' | b' '))
}

pub(super) fn looks_like_ipv6(s: &str) -> bool {
    s.matches(':').count() >= 2
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.' | b'/'))
}

/// The well-formed IPv4 forms (`4.3.2.1`, `4.3.*.*`, `4.3.2.10-50`) read
/// straight from the bytes, as [`Pattern::parse`] reads them; `None` for
/// anything else, which the full parse then reads (and explains).
pub(super) fn quick_ipv4(b: &[u8]) -> Option<Kind> {
    // A number of one to three digits from 0 to 255 at the start of `b`,
    // and how many bytes it took.
    let number = |b: &[u8]| -> Option<(u8, usize)> {
        let n = b.iter().take(4).take_while(|c| c.is_ascii_digit()).count();
        if !(1..=3).contains(&n) {
            return None;
        }
        let v = b[..n]
            .iter()
            .fold(0u16, |v, &d| v * 10 + u16::from(d - b'0'));
        Some((u8::try_from(v).ok()?, n))
    };
    let mut octets = [0u8; 4];
    let mut fixed: Option<u8> = None;
    let mut i = 0usize;
    for part in 0..4u8 {
        if part > 0 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        // A `*` part (whatever follows it must be a `.` or the end).
        if b.get(i) == Some(&b'*') {
            fixed.get_or_insert(part);
            i += 1;
            continue;
        }
        if fixed.is_some() {
            return None;
        }
        let (v, n) = number(b.get(i..)?)?;
        i += n;
        if part == 3 && b.get(i) == Some(&b'-') {
            let (hi, m) = number(b.get(i + 1..)?)?;
            let prefix = [octets[0], octets[1], octets[2]];
            return (i + 1 + m == b.len() && v <= hi).then_some(Kind::Ipv4Range {
                prefix,
                lo: v,
                hi,
            });
        }
        octets[usize::from(part)] = v;
    }
    if i != b.len() {
        return None;
    }
    Some(match fixed {
        Some(fixed) => Kind::Ipv4Wildcard { octets, fixed },
        None => Kind::Ipv4(octets),
    })
}

fn octet(s: &str) -> Option<u8> {
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u16>().ok().and_then(|v| u8::try_from(v).ok())
}

pub(super) fn parse_ipv4_form(entry: &str) -> Pattern {
    let bad = |why: String| Pattern::InvalidIp(why);
    if let Some((addr, len)) = entry.split_once('/') {
        let ok_addr = addr.parse::<Ipv4Addr>().is_ok();
        let ok_len = len.parse::<u8>().is_ok_and(|l| l <= 32);
        return if ok_addr && ok_len {
            Pattern::Cidr(entry.to_string())
        } else {
            bad(format!("`{entry}` is not a valid address/prefix"))
        };
    }
    // Four parts, without a vector: a large file has many addresses.
    let mut parts = [""; 4];
    let mut n = 0;
    for p in entry.split('.') {
        if let Some(slot) = parts.get_mut(n) {
            *slot = p;
        }
        n += 1;
    }
    if n != 4 {
        return bad(format!(
            "`{entry}` has {n} parts; an IPv4 address has 4 (like 4.3.2.1)"
        ));
    }
    // Last-octet range: a.b.c.x-y
    if let Some((x, y)) = parts[3].split_once('-') {
        let mut prefix = [0u8; 3];
        for (i, p) in parts[..3].iter().enumerate() {
            match octet(p) {
                Some(v) => prefix[i] = v,
                None => {
                    return bad(format!(
                        "in the range `{entry}`, `{p}` must be a number from 0 to 255 (ranges only work on the last part)"
                    ));
                }
            }
        }
        return match (octet(x.trim()), octet(y.trim())) {
            (Some(lo), Some(hi)) if lo <= hi => Pattern::Ipv4Range { prefix, lo, hi },
            (Some(lo), Some(hi)) => bad(format!(
                "the range `{entry}` runs backwards ({lo} > {hi}); write {}.{}.{}.{hi}-{lo}",
                prefix[0], prefix[1], prefix[2]
            )),
            _ => bad(format!(
                "the range `{entry}` must have numbers from 0 to 255 on both sides of `-`"
            )),
        };
    }
    let mut octets = [0u8; 4];
    let mut fixed: Option<u8> = None;
    for (i, p) in parts.iter().enumerate() {
        if *p == "*" {
            if fixed.is_none() {
                fixed = Some(i as u8);
            }
            continue;
        }
        if fixed.is_some() {
            return bad(format!(
                "in `{entry}` only the last parts may be `*` (like 4.3.2.* or 10.*.*.*)"
            ));
        }
        match octet(p) {
            Some(v) => octets[i] = v,
            None => {
                return bad(format!("`{p}` in `{entry}` is not a number from 0 to 255"));
            }
        }
    }
    match fixed {
        Some(fixed) => Pattern::Ipv4Wildcard { octets, fixed },
        None => Pattern::Ip(IpAddr::V4(Ipv4Addr::from(octets))),
    }
}
