//! The request as the simulator's forms hold it: text as typed, so that a
//! half-typed value is kept and its problem said.

use crate::engine::{Action, Request};

/// The request as typed: text, so that half-typed values are kept and
/// their problems said.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub user: String,
    pub host: String,
    pub ip: String,
    /// Windows local groups, separated by `;` or `,`.
    pub groups: String,
    pub feature: String,
    pub serial: String,
    pub action: Action,
    pub hours: String,
    /// The principal has no local groups (rather than: not known).
    pub no_local_groups: bool,
}

/// What is wrong with a request form, said by
/// [`crate::words::simulator::form_error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// No feature is named.
    NoFeature,
    /// The IP address does not read as one (why, in words).
    Ip(String),
    /// Borrow hours that are not a whole number (the text typed).
    Hours(String),
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (ip, hours) = match self {
            FormError::NoFeature => (None, None),
            FormError::Ip(why) => (Some(why.as_str()), None),
            FormError::Hours(typed) => (None, Some(typed.as_str())),
        };
        f.write_str(&crate::words::simulator::form_error(ip, hours))
    }
}

impl RequestForm {
    /// The request, or what is wrong with the form.
    pub fn to_request(&self) -> Result<Request, FormError> {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let feature = self.feature.trim();
        if feature.is_empty() {
            return Err(FormError::NoFeature);
        }
        let ip = crate::request::parse_ip(Some(&self.ip)).map_err(FormError::Ip)?;
        let hours = match self.hours.trim() {
            "" => None,
            h => Some(
                h.parse::<u64>()
                    .map_err(|_| FormError::Hours(h.to_string()))?,
            ),
        };
        Ok(Request {
            principal: crate::request::Principal {
                user: opt(&self.user),
                host: opt(&self.host),
                ip,
                local_groups: self
                    .groups
                    .split([';', ','])
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(String::from)
                    .collect(),
            },
            feature: feature.to_string(),
            action: self.action,
            serial: opt(&self.serial),
            hours: if self.action == Action::Borrow {
                hours
            } else {
                None
            },
        })
    }

    pub fn from_request(r: &Request) -> RequestForm {
        RequestForm {
            user: r.principal.user.clone().unwrap_or_default(),
            host: r.principal.host.clone().unwrap_or_default(),
            ip: r.principal.ip.map(|i| i.to_string()).unwrap_or_default(),
            groups: r.principal.local_groups.join("; "),
            feature: r.feature.clone(),
            serial: r.serial.clone().unwrap_or_default(),
            action: r.action,
            hours: r.hours.map(|h| h.to_string()).unwrap_or_default(),
            no_local_groups: false,
        }
    }

    /// One line: "user anna, host PC001 · checkout EXPORT_ALL".
    pub fn summary(&self) -> String {
        let who = match self.to_request() {
            Ok(r) => crate::words::who(&r),
            Err(_) => self.user.clone(),
        };
        crate::words::simulator::form_summary(&who, self.action, &self.feature)
    }
}
