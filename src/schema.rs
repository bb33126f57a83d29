//! The JSON Schema (draft 2020-12) of `ServerConfig.json`, generated from
//! [`crate::spec`]. `schema/ServerConfig.schema.json` is this output; a test
//! keeps the two equal, and `privy schema` prints it for other editors.

use crate::spec::{
    Field, GROUP_MEMBERS, GROUP_NAME, GROUPS_KEY, MAX_COUNT, Presence, RuleKind, SETTINGS,
    SettingType, ValueType,
};
use serde_json::{Map, Value, json};

fn field_schema(kind: RuleKind, field: Field, meaning: &str) -> Value {
    let _ = kind;
    match field.value_type() {
        ValueType::Principals | ValueType::Names | ValueType::Text => json!({
            "type": "string",
            "description": meaning,
        }),
        ValueType::PositiveInteger => json!({
            "type": "integer",
            "minimum": 1,
            "maximum": MAX_COUNT,
            "description": meaning,
        }),
    }
}

fn rule_schema(kind: RuleKind) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut one_of_group = Vec::new();
    for spec in kind.fields() {
        props.insert(
            spec.field.key().to_string(),
            field_schema(kind, spec.field, spec.meaning),
        );
        match spec.presence {
            Presence::Required => required.push(json!(spec.field.key())),
            Presence::OneOfGroup => one_of_group.push(json!({ "required": [spec.field.key()] })),
            Presence::Optional => {}
        }
    }
    let mut schema = json!({
        "type": "object",
        "description": kind.description(),
        "properties": props,
        "additionalProperties": false,
    });
    // Required keys do not apply to empty presets (every key missing or an
    // empty string, COMMENT aside), which the server ignores: the vendor's
    // default file contains two per list.
    let mut needs = Map::new();
    if !required.is_empty() {
        needs.insert("required".into(), Value::Array(required));
    }
    if !one_of_group.is_empty() {
        needs.insert("anyOf".into(), Value::Array(one_of_group));
    }
    if !needs.is_empty() {
        schema["if"] = json!({
            "properties": { Field::Comment.key(): true },
            "additionalProperties": { "type": "string", "pattern": "^\\s*$" },
        });
        schema["else"] = Value::Object(needs);
    }
    schema
}

fn setting_schema(kind: SettingType, meaning: &str) -> Value {
    match kind {
        SettingType::Port { min } => json!({
            "type": "integer", "minimum": min, "maximum": 65535, "description": meaning
        }),
        SettingType::Text | SettingType::Secret => {
            json!({ "type": "string", "description": meaning })
        }
        SettingType::Choice(words) => json!({ "enum": words, "description": meaning }),
        SettingType::Loose => json!({ "type": ["string", "integer"], "description": meaning }),
    }
}

/// The schema as a JSON value.
pub fn schema() -> Value {
    let mut defs = Map::new();
    let mut props = Map::new();
    for kind in RuleKind::ALL {
        defs.insert(kind.key().to_string(), rule_schema(kind));
        props.insert(
            kind.key().to_string(),
            json!({
                "type": "array",
                "description": kind.description(),
                "items": { "$ref": format!("#/$defs/{}", kind.key()) },
            }),
        );
    }
    defs.insert(
        "GROUP".into(),
        json!({
            "type": "object",
            "description": "A named list of users, hosts, IP forms, local groups or other groups, usable in any USERS list.",
            "properties": {
                GROUP_NAME: { "type": "string", "description": "The group's name, used in USERS and MEMBERS lists." },
                GROUP_MEMBERS: { "type": "string", "description": "Members separated by `;`, in the same forms as USERS. Groups may contain groups." },
            },
            "required": [GROUP_NAME],
            "additionalProperties": false,
        }),
    );
    props.insert(
        GROUPS_KEY.into(),
        json!({
            "type": "array",
            "description": "Named groups of users to use in rules.",
            "items": { "$ref": "#/$defs/GROUP" },
        }),
    );
    for s in SETTINGS {
        props.insert(s.key.into(), setting_schema(s.kind, s.meaning));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://privy.invalid/schema/ServerConfig.schema.json",
        "title": "VS License Manager ServerConfig.json",
        "description": "Server settings and usage privilege rules of the VS License Manager. Unknown top-level keys are server settings and are allowed.",
        "type": "object",
        "properties": props,
        "$defs": defs,
    })
}

/// The schema as the text stored in `schema/ServerConfig.schema.json`.
pub fn schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    s.push('\n');
    s
}
