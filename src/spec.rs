//! The one definition of the `ServerConfig.json` language: the seven rule
//! kinds, their keys and what each means, groups, and the known server
//! settings. The JSON Schema, the validator, the editor's forms and the
//! engine all read from here; nothing else lists these keys.

/// The seven rule lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    AllowCheckouts,
    AllowBorrows,
    DenyCheckouts,
    DenyBorrows,
    LimitCheckouts,
    LimitBorrows,
    ReserveCheckouts,
}

/// What a rule does to the requests it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
    Limit,
    Reserve,
}

/// The keys a rule object may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Users,
    ExceptUsers,
    Features,
    SerialNumbers,
    Count,
    Hours,
    Comment,
}

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// A `;`-separated list of principals (user, host, IP, group, `&group`).
    Principals,
    /// A `;`-separated list of plain names (features, serial numbers).
    Names,
    /// A whole number of at least 1.
    PositiveInteger,
    /// Free text.
    Text,
}

/// Whether a rule kind needs a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
    /// At least one of the keys marked so must be present (HOURS / COUNT of
    /// LIMIT_BORROWS).
    OneOfGroup,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub field: Field,
    pub presence: Presence,
    /// What the key means for this rule kind, for tooltips and the schema.
    pub meaning: &'static str,
}

/// Upper bound accepted for COUNT and HOURS (the server stores 32-bit
/// integers).
pub const MAX_COUNT: i64 = i32::MAX as i64;

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Users,
        Field::ExceptUsers,
        Field::Features,
        Field::SerialNumbers,
        Field::Count,
        Field::Hours,
        Field::Comment,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Field::Users => "USERS",
            Field::ExceptUsers => "EXCEPT_USERS",
            Field::Features => "FEATURES",
            Field::SerialNumbers => "SERIALNUMBERS",
            Field::Count => "COUNT",
            Field::Hours => "HOURS",
            Field::Comment => "COMMENT",
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn value_type(self) -> ValueType {
        match self {
            Field::Users | Field::ExceptUsers => ValueType::Principals,
            Field::Features | Field::SerialNumbers => ValueType::Names,
            Field::Count | Field::Hours => ValueType::PositiveInteger,
            Field::Comment => ValueType::Text,
        }
    }

    /// A label for forms.
    pub fn label(self) -> &'static str {
        match self {
            Field::Users => "Users",
            Field::ExceptUsers => "Except users",
            Field::Features => "Features",
            Field::SerialNumbers => "Serial numbers",
            Field::Count => "Count",
            Field::Hours => "Hours",
            Field::Comment => "Comment",
        }
    }
}

const USERS_WHO: &str = "Who the rule is about: user names, host names, IP addresses \
(4.3.2.1, 4.3.2.*, 4.3.2.10-50), group names, or &LocalGroup, separated by `;`. \
`*` in a name matches any characters (PC*).";
const FEATURES_ANY: &str = "Features the rule applies to, separated by `;`. \
Missing, empty or `*`: every feature.";
const SERIALS_ANY: &str = "License serial numbers the rule applies to, separated by `;`. \
Missing, empty or `*`: every license. Only needed with several licenses on one server.";
const COMMENT: &str = "A note for people; the server ignores it.";

const fn f(field: Field, presence: Presence, meaning: &'static str) -> FieldSpec {
    FieldSpec {
        field,
        presence,
        meaning,
    }
}

const ALLOW_FIELDS: &[FieldSpec] = &[
    f(Field::Users, Presence::Required, USERS_WHO),
    f(Field::Features, Presence::Optional, FEATURES_ANY),
    f(Field::SerialNumbers, Presence::Optional, SERIALS_ANY),
    f(Field::Comment, Presence::Optional, COMMENT),
];

const DENY_FIELDS: &[FieldSpec] = &[
    f(
        Field::Users,
        Presence::Optional,
        "Who is denied. Missing, empty or `*`: everyone. Same forms as in allow rules.",
    ),
    f(Field::Features, Presence::Optional, FEATURES_ANY),
    f(Field::SerialNumbers, Presence::Optional, SERIALS_ANY),
    f(Field::Comment, Presence::Optional, COMMENT),
];

const LIMIT_CHECKOUT_FIELDS: &[FieldSpec] = &[
    f(Field::Users, Presence::Required, USERS_WHO),
    f(
        Field::ExceptUsers,
        Presence::Optional,
        "Users inside USERS the limit does not apply to.",
    ),
    f(Field::Features, Presence::Optional, FEATURES_ANY),
    f(Field::SerialNumbers, Presence::Optional, SERIALS_ANY),
    f(
        Field::Count,
        Presence::Required,
        "How many of the feature the users covered may hold at once (per license).",
    ),
    f(Field::Comment, Presence::Optional, COMMENT),
];

const LIMIT_BORROW_FIELDS: &[FieldSpec] = &[
    f(
        Field::Users,
        Presence::Optional,
        "Who the borrowing limit is for. Missing or empty: everyone.",
    ),
    f(
        Field::ExceptUsers,
        Presence::Optional,
        "Users the limit does not apply to.",
    ),
    f(Field::Features, Presence::Optional, FEATURES_ANY),
    f(Field::SerialNumbers, Presence::Optional, SERIALS_ANY),
    f(
        Field::Hours,
        Presence::OneOfGroup,
        "The longest a feature may be borrowed, in hours. Where several rules cover a user, the smallest wins.",
    ),
    f(
        Field::Count,
        Presence::OneOfGroup,
        "How many of the feature the users covered may have borrowed at once (per license).",
    ),
    f(Field::Comment, Presence::Optional, COMMENT),
];

const RESERVE_FIELDS: &[FieldSpec] = &[
    f(Field::Users, Presence::Required, USERS_WHO),
    f(Field::Features, Presence::Optional, FEATURES_ANY),
    f(Field::SerialNumbers, Presence::Optional, SERIALS_ANY),
    f(
        Field::Count,
        Presence::Required,
        "How many seats are kept free for these users (per license).",
    ),
    f(Field::Comment, Presence::Optional, COMMENT),
];

impl RuleKind {
    pub const ALL: [RuleKind; 7] = [
        RuleKind::AllowCheckouts,
        RuleKind::AllowBorrows,
        RuleKind::DenyCheckouts,
        RuleKind::DenyBorrows,
        RuleKind::LimitCheckouts,
        RuleKind::LimitBorrows,
        RuleKind::ReserveCheckouts,
    ];

    /// The top-level keys of the seven lists, in the order of [`Self::ALL`].
    pub const ALL_KEYS: [&'static str; 7] = [
        "ALLOW_CHECKOUTS",
        "ALLOW_BORROWS",
        "DENY_CHECKOUTS",
        "DENY_BORROWS",
        "LIMIT_CHECKOUTS",
        "LIMIT_BORROWS",
        "RESERVE_CHECKOUTS",
    ];

    /// The top-level key of the list.
    pub fn key(self) -> &'static str {
        // The enum is declared in the order of `ALL`.
        RuleKind::ALL_KEYS[self as usize]
    }

    pub fn from_key(key: &str) -> Option<RuleKind> {
        RuleKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// A title for the navigation.
    pub fn title(self) -> &'static str {
        match self {
            RuleKind::AllowCheckouts => "Allow checkouts",
            RuleKind::AllowBorrows => "Allow borrows",
            RuleKind::DenyCheckouts => "Deny checkouts",
            RuleKind::DenyBorrows => "Deny borrows",
            RuleKind::LimitCheckouts => "Limit checkouts",
            RuleKind::LimitBorrows => "Limit borrows",
            RuleKind::ReserveCheckouts => "Reserve checkouts",
        }
    }

    pub fn effect(self) -> Effect {
        match self {
            RuleKind::AllowCheckouts | RuleKind::AllowBorrows => Effect::Allow,
            RuleKind::DenyCheckouts | RuleKind::DenyBorrows => Effect::Deny,
            RuleKind::LimitCheckouts | RuleKind::LimitBorrows => Effect::Limit,
            RuleKind::ReserveCheckouts => Effect::Reserve,
        }
    }

    /// Borrow rules apply to borrows only; checkout rules to checkouts and
    /// borrows (vendor: "checkout rules also restrict borrowing actions").
    pub fn borrow_only(self) -> bool {
        matches!(
            self,
            RuleKind::AllowBorrows | RuleKind::DenyBorrows | RuleKind::LimitBorrows
        )
    }

    /// The lists with `effect` that bind an action: checkout rules bind
    /// checkouts and borrows, borrow rules borrows only. Checkout lists come
    /// first, as the decision procedure looks at them first.
    pub fn lists_for(effect: Effect, borrow: bool) -> impl Iterator<Item = RuleKind> {
        RuleKind::ALL
            .into_iter()
            .filter(move |k| k.effect() == effect && (borrow || !k.borrow_only()))
    }

    /// The keys this kind has, in the order forms show them.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            RuleKind::AllowCheckouts | RuleKind::AllowBorrows => ALLOW_FIELDS,
            RuleKind::DenyCheckouts | RuleKind::DenyBorrows => DENY_FIELDS,
            RuleKind::LimitCheckouts => LIMIT_CHECKOUT_FIELDS,
            RuleKind::LimitBorrows => LIMIT_BORROW_FIELDS,
            RuleKind::ReserveCheckouts => RESERVE_FIELDS,
        }
    }

    pub fn field(self, field: Field) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|s| s.field == field)
    }

    /// Whether a missing or empty USERS means "everyone" for this kind.
    pub fn users_optional(self) -> bool {
        self.field(Field::Users)
            .is_some_and(|s| s.presence == Presence::Optional)
    }

    /// What the list does, in the vendor's terms.
    pub fn description(self) -> &'static str {
        match self {
            RuleKind::AllowCheckouts => {
                "Only the listed users may check out (and borrow) the features; everyone else is denied. Use it for a few privileged users."
            }
            RuleKind::AllowBorrows => {
                "Only the listed users may borrow the features; everyone else may still check them out."
            }
            RuleKind::DenyCheckouts => {
                "The listed users may not check out (or borrow) the features. Deny beats allow."
            }
            RuleKind::DenyBorrows => {
                "The listed users may not borrow the features; checking out is unaffected."
            }
            RuleKind::LimitCheckouts => {
                "The listed users may together hold at most COUNT of the features at once (EXCEPT_USERS are not counted or limited)."
            }
            RuleKind::LimitBorrows => {
                "Limits borrowing: HOURS caps how long, COUNT how many the listed users may have borrowed at once."
            }
            RuleKind::ReserveCheckouts => {
                "Keeps COUNT seats of the features free for the listed users; others cannot take them."
            }
        }
    }
}

/// The keys of a group object.
pub const GROUPS_KEY: &str = "GROUPS";
pub const GROUP_NAME: &str = "NAME";
pub const GROUP_MEMBERS: &str = "MEMBERS";
pub const GROUP_KEYS: [&str; 2] = [GROUP_NAME, GROUP_MEMBERS];

/// What a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingType {
    /// A TCP port; `min` is 0 where 0 means "off".
    Port {
        min: i64,
    },
    Text,
    /// A password: masked in the editor, never logged.
    Secret,
    /// One of the given words.
    Choice(&'static [&'static str]),
    /// A number or text; the vendor does not document the values.
    Loose,
}

#[derive(Debug, Clone, Copy)]
pub struct SettingSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: SettingType,
    pub meaning: &'static str,
}

/// The values a loosely typed setting is known to take (offered as a
/// choice in the editor; others stay allowed and are kept as written).
pub fn known_values(key: &str) -> &'static [&'static str] {
    match key {
        "IP_VERSION" => &["IPv4", "IPv6"],
        _ => &[],
    }
}

/// The server settings the vendor documents. Any other top-level key is kept
/// and shown as an unknown setting.
pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        key: "TCP_PORT",
        label: "TCP port",
        kind: SettingType::Port { min: 1 },
        meaning: "Port the 3DViewStation clients connect to (default 6200). Open it in the firewall.",
    },
    SettingSpec {
        key: "HTTP_PORT",
        label: "License Monitor port",
        kind: SettingType::Port { min: 0 },
        meaning: "Port of the License Monitor web interface (default 6280); 0 turns the monitor off.",
    },
    SettingSpec {
        key: "ADMIN_PASSWORD",
        label: "Admin password",
        kind: SettingType::Secret,
        meaning: "Password for the Admin view of the License Monitor (logs, configuration, history). Sent base64-encoded only: use a password unique to this server.",
    },
    SettingSpec {
        key: "MAIN_PASSWORD",
        label: "Main password",
        kind: SettingType::Secret,
        meaning: "Optional: when set, even the basic License Monitor asks for a password.",
    },
    SettingSpec {
        key: "LOG_PATH",
        label: "Log folder",
        kind: SettingType::Text,
        meaning: "Folder for the log files, absolute or relative with a leading ./",
    },
    SettingSpec {
        key: "LOG_FORMAT",
        label: "Log format",
        kind: SettingType::Choice(&["NORMAL", "RESTRICTED"]),
        meaning: "NORMAL, or RESTRICTED to keep user names, host names and IP addresses out of the logs and the License Monitor.",
    },
    SettingSpec {
        key: "IP_VERSION",
        label: "IP version",
        kind: SettingType::Loose,
        meaning: "Which IP version the server uses for client addresses (IPv4 or IPv6).",
    },
];

pub fn setting(key: &str) -> Option<&'static SettingSpec> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// Every key with a meaning at the top level (rule lists, GROUPS, settings),
/// for "did you mean".
pub fn top_level_keys() -> impl Iterator<Item = &'static str> {
    RuleKind::ALL
        .into_iter()
        .map(RuleKind::key)
        .chain(std::iter::once(GROUPS_KEY))
        .chain(SETTINGS.iter().map(|s| s.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enum_is_declared_in_the_order_of_all() {
        for (i, k) in RuleKind::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i);
        }
        assert_eq!(RuleKind::DenyBorrows.key(), "DENY_BORROWS");
    }

    #[test]
    fn keys_round_trip() {
        for k in RuleKind::ALL {
            assert_eq!(RuleKind::from_key(k.key()), Some(k));
        }
        for f in Field::ALL {
            assert_eq!(Field::from_key(f.key()), Some(f));
        }
    }

    #[test]
    fn which_lists_bind_an_action() {
        let of = |e, b| RuleKind::lists_for(e, b).collect::<Vec<_>>();
        assert_eq!(of(Effect::Deny, false), vec![RuleKind::DenyCheckouts]);
        assert_eq!(
            of(Effect::Deny, true),
            vec![RuleKind::DenyCheckouts, RuleKind::DenyBorrows]
        );
        assert_eq!(
            of(Effect::Allow, true),
            vec![RuleKind::AllowCheckouts, RuleKind::AllowBorrows]
        );
        assert_eq!(of(Effect::Limit, false), vec![RuleKind::LimitCheckouts]);
        assert_eq!(of(Effect::Reserve, true), vec![RuleKind::ReserveCheckouts]);
    }

    #[test]
    fn required_keys_follow_the_vendor_page() {
        use Presence::*;
        let p = |k: RuleKind, f: Field| k.field(f).map(|s| s.presence);
        assert_eq!(p(RuleKind::AllowCheckouts, Field::Users), Some(Required));
        assert_eq!(p(RuleKind::DenyBorrows, Field::Users), Some(Optional));
        assert_eq!(p(RuleKind::LimitCheckouts, Field::Count), Some(Required));
        assert_eq!(p(RuleKind::LimitBorrows, Field::Users), Some(Optional));
        assert_eq!(p(RuleKind::LimitBorrows, Field::Hours), Some(OneOfGroup));
        assert_eq!(p(RuleKind::ReserveCheckouts, Field::Count), Some(Required));
        assert_eq!(p(RuleKind::DenyCheckouts, Field::Hours), None);
        assert!(RuleKind::LimitBorrows.users_optional());
        assert!(!RuleKind::ReserveCheckouts.users_optional());
    }
}
