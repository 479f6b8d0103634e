//! The `[metrics]` section: where `/healthz` and `/metrics` are served (nowhere by default).

use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Address and port of the health and metrics listener, e.g. `127.0.0.1:9100`; unset: off.
    /// Plain HTTP without authentication: keep it on loopback or a private network.
    pub listen: Option<SocketAddr>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_is_an_address_with_a_port() {
        let c: MetricsConfig = toml::from_str("listen = \"127.0.0.1:9100\"").unwrap();
        assert_eq!(c.listen, Some("127.0.0.1:9100".parse().unwrap()));
        assert!(toml::from_str::<MetricsConfig>("listen = \"localhost\"").is_err());
        assert_eq!(
            toml::from_str::<MetricsConfig>("").unwrap(),
            MetricsConfig::default()
        );
    }
}
