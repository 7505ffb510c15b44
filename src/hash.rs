//! The hasher of the core's own maps: `.env` keys and the matcher's 4-grams.
//!
//! foldhash, seeded per process: about as fast as the Fx hash it replaces,
//! but with a final mix, so keys that differ only in a few bytes (`K0` ..
//! `K999999`, or a long shared prefix) spread over the whole table. Fx had
//! no such mix and hashbrown indexes by the low bits, so structured keys
//! piled into a few buckets and a 400,000-line `.env` took seconds. The
//! random seed also keeps a crafted file from choosing collisions.

pub type FastBuild = foldhash::fast::RandomState;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    /// How many of 65,536 keys land in distinct buckets of a 65,536-bucket
    /// table (hashbrown indexes by the low bits): about 63% for a random
    /// function; the Fx hash gave a few hundred for these keys.
    fn spread(keys: impl Iterator<Item = String>) -> usize {
        let build = FastBuild::default();
        keys.map(|k| build.hash_one(k.as_str()) & 0xffff)
            .collect::<HashSet<_>>()
            .len()
    }

    #[test]
    fn structured_keys_spread_over_the_table() {
        let natural = spread((0..65_536).map(|i| format!("K{i}")));
        let prefixed = spread((0..65_536).map(|i| format!("SERVICE_NAME_{i:06}")));
        assert!(natural > 36_000, "{natural}");
        assert!(prefixed > 36_000, "{prefixed}");
    }
}
