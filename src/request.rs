//! Who is asking, and for what: a request and its principal. Below the
//! engine, the pool and the simulator, which all speak of them.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::pattern::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    #[default]
    Checkout,
    Borrow,
}

/// One request to decide: who asks, for which feature, to check out or
/// borrow, on which license if one is named, and for how many hours.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub principal: Principal,
    pub feature: String,
    pub action: Action,
    pub serial: Option<String>,
    pub hours: Option<u64>,
}

impl Request {
    /// Who is asking, folded for comparison (what the engine matches).
    pub fn folded(&self) -> FoldedPrincipal {
        let p = &self.principal;
        FoldedPrincipal::new(p.user.as_deref(), p.host.as_deref(), p.ip, &p.local_groups)
    }
}

/// Who is asking: user, host, IP and Windows local groups, as given, each
/// possibly absent. The one type for a principal: the simulator's rows,
/// the witnesses of the analyses and `privy test`'s request keys
/// (`user`, `host`, `ip`, `local_groups`) are all this.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Principal {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub local_groups: Vec<String>,
}

impl Principal {
    /// Its names as written: user, host and each local group (what a
    /// password value could show in, for a witness or an example).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [&self.user, &self.host]
            .into_iter()
            .flatten()
            .chain(&self.local_groups)
            .map(String::as_str)
    }

    pub fn user(name: &str) -> Principal {
        Principal {
            user: Some(name.to_string()),
            ..Default::default()
        }
    }

    /// The request of this principal for `feature`.
    pub fn request(&self, feature: &str, action: Action) -> Request {
        Request {
            principal: self.clone(),
            feature: feature.to_string(),
            action,
            serial: None,
            hours: None,
        }
    }

    /// FoldedPrincipal for comparison.
    pub fn folded(&self) -> FoldedPrincipal {
        FoldedPrincipal::new(
            self.user.as_deref(),
            self.host.as_deref(),
            self.ip,
            &self.local_groups,
        )
    }

    /// Reads a principal as typed in one line: `user`, `user@host`,
    /// `@host`, an IP address or `&group`.
    pub fn parse(text: &str) -> Principal {
        let t = text.trim();
        if let Some(g) = t.strip_prefix('&') {
            return Principal {
                local_groups: vec![g.trim().to_string()],
                ..Default::default()
            };
        }
        if let Ok(ip) = t.parse() {
            return Principal {
                ip: Some(ip),
                ..Default::default()
            };
        }
        match t.split_once('@') {
            Some((u, h)) => Principal {
                user: Some(u.trim().to_string()).filter(|u| !u.is_empty()),
                host: Some(h.trim().to_string()).filter(|h| !h.is_empty()),
                ..Default::default()
            },
            None => Principal::user(t),
        }
    }

    /// Short, for a row header: `anna`, `anna @ PC001`, `4.3.2.1`, `&CAD`.
    pub fn label(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        match (&self.user, &self.host) {
            (Some(u), Some(h)) => parts.push(format!("{u} @ {h}")),
            (Some(u), None) => parts.push(u.clone()),
            (None, Some(h)) => parts.push(format!("@ {h}")),
            (None, None) => {}
        }
        if let Some(ip) = self.ip {
            parts.push(ip.to_string());
        }
        parts.extend(self.local_groups.iter().map(|g| format!("&{g}")));
        if parts.is_empty() {
            "(nobody named)".into()
        } else {
            parts.join(" ")
        }
    }
}

/// A principal with names folded for comparison, as the engine and the
/// pool's seat sharing compare them. Made from a [`Principal`] (or a
/// request, or a pool session); never read from a file itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FoldedPrincipal {
    pub user: Option<String>,
    pub host: Option<String>,
    pub ip: Option<IpAddr>,
    pub local_groups: Vec<String>,
}

/// Reads an optional IP address as written in pool and cases files and
/// typed in the window: missing or blank is unknown; anything else must be
/// an IPv4 or IPv6 address. The one parser of an IP address from text.
pub fn parse_ip(text: Option<&str>) -> Result<Option<IpAddr>, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| format!("`{t}` is not an IP address")),
        None => Ok(None),
    }
}

impl FoldedPrincipal {
    pub fn new(
        user: Option<&str>,
        host: Option<&str>,
        ip: Option<IpAddr>,
        local_groups: &[String],
    ) -> Self {
        let clean = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(fold);
        FoldedPrincipal {
            user: clean(user),
            host: clean(host),
            ip,
            local_groups: local_groups.iter().map(|g| fold(g.trim())).collect(),
        }
    }
}
