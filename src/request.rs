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

/// One request to decide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub user: Option<String>,
    pub host: Option<String>,
    pub ip: Option<IpAddr>,
    pub local_groups: Vec<String>,
    pub feature: String,
    pub action: Action,
    pub serial: Option<String>,
    pub hours: Option<u64>,
}

impl Request {
    pub fn principal(&self) -> Principal {
        Principal::new(
            self.user.as_deref(),
            self.host.as_deref(),
            self.ip,
            &self.local_groups,
        )
    }
}

/// A request's principal, with names folded for comparison. Any part may be
/// unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    pub user: Option<String>,
    pub host: Option<String>,
    pub ip: Option<IpAddr>,
    pub local_groups: Vec<String>,
}

/// Reads an optional IP address as written in pool and cases files: missing
/// or blank is unknown; anything else must be an IPv4 or IPv6 address.
pub fn parse_ip(text: Option<&str>) -> Result<Option<IpAddr>, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t
            .parse()
            .map(Some)
            .map_err(|_| format!("`{t}` is not an IP address")),
        None => Ok(None),
    }
}

impl Principal {
    pub fn new(
        user: Option<&str>,
        host: Option<&str>,
        ip: Option<IpAddr>,
        local_groups: &[String],
    ) -> Self {
        let clean = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(fold);
        Principal {
            user: clean(user),
            host: clean(host),
            ip,
            local_groups: local_groups.iter().map(|g| fold(g.trim())).collect(),
        }
    }
}
