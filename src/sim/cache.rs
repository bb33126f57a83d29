//! What the simulator keeps worked out: a value with the state of its
//! inputs it was worked out for, so that it is worked out again only when
//! they change.

use crate::engine::pool::PoolIndex;

/// Something worked out for one state of its inputs.
#[derive(Debug)]
pub(crate) struct Cached<K, V> {
    pub(crate) key: K,
    pub(crate) value: V,
}

pub(crate) type Slot<K, V> = Option<Cached<K, V>>;

/// Whether `slot` holds a value worked out for `key`.
pub(crate) fn fresh<K: PartialEq, V>(slot: &Slot<K, V>, key: &K) -> bool {
    slot.as_ref().is_some_and(|c| &c.key == key)
}

/// The pool index, when a pool is used and it is sound.
pub(crate) fn usable(
    use_pool: bool,
    index: &Slot<u64, Result<PoolIndex, String>>,
) -> Option<&PoolIndex> {
    if !use_pool {
        return None;
    }
    index.as_ref().and_then(|c| c.value.as_ref().ok())
}
