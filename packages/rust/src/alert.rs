//! The Alert model, from a gRPC `falco.outputs.response`, and Falco's JSON shape.

use crate::priority::Priority;
use crate::proto::outputs::Response;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One Falco alert.
///
/// ```
/// use falco_sdk::{proto::outputs::Response, Alert, Priority};
/// let alert = Alert::from(Response {
///     time: Some(prost_types::Timestamp { seconds: 1_651_447_772, nanos: 918_828_894 }),
///     priority: 4,
///     rule: "Terminal shell in container".into(),
///     ..Response::default()
/// });
/// assert_eq!(alert.priority, Priority::Warning);
/// assert_eq!(alert.time_rfc3339(), "2022-05-01T23:29:32.918828894Z");
/// assert_eq!(alert.to_json()["source"], "syscall"); // field 3's default before Falco 0.31
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Event time, nanosecond precision.
    pub time: SystemTime,
    /// The rule's priority.
    pub priority: Priority,
    /// The rule's name.
    pub rule: String,
    /// The formatted output line.
    pub output: String,
    /// The output's fields, as Falco sends them (strings).
    pub output_fields: BTreeMap<String, String>,
    /// The host Falco runs on.
    pub hostname: String,
    /// The rule's tags.
    pub tags: Vec<String>,
    /// "syscall", "k8s_audit", "internal" or a plugin's source.
    pub source: String,
}

impl From<Response> for Alert {
    /// The source is field 9, or the deprecated field 3 from Falco before 0.31.
    #[allow(deprecated)]
    fn from(m: Response) -> Self {
        let time = m.time.unwrap_or_default();
        let source = if m.source.is_empty() {
            match m.source_deprecated {
                0 => "syscall",
                1 => "k8s_audit",
                2 => "internal",
                3 => "plugin",
                _ => "unknown",
            }
            .to_string()
        } else {
            m.source
        };
        Alert {
            time: system_time(time.seconds as i128 * 1_000_000_000 + time.nanos as i128),
            priority: Priority::from_number(m.priority),
            rule: m.rule,
            output: m.output,
            output_fields: m.output_fields.into_iter().collect(),
            hostname: m.hostname,
            tags: m.tags,
            source,
        }
    }
}

/// Epoch nanoseconds to a SystemTime (before 1970 too).
fn system_time(ns: i128) -> SystemTime {
    let magnitude = Duration::new(
        (ns.unsigned_abs() / 1_000_000_000) as u64,
        (ns.unsigned_abs() % 1_000_000_000) as u32,
    );
    if ns >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

/// A SystemTime as epoch nanoseconds.
fn epoch_ns(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

impl Alert {
    /// The time as Falco's JSON writes it: RFC 3339, UTC, nanoseconds.
    ///
    /// ```
    /// # use falco_sdk::{proto::outputs::Response, Alert};
    /// let time = Some(prost_types::Timestamp { seconds: 0, nanos: 5 });
    /// let alert = Alert::from(Response { time, ..Response::default() });
    /// assert_eq!(alert.time_rfc3339(), "1970-01-01T00:00:00.000000005Z");
    /// ```
    pub fn time_rfc3339(&self) -> String {
        let ns = epoch_ns(self.time);
        let seconds = ns.div_euclid(1_000_000_000) as i64;
        let nanos = ns.rem_euclid(1_000_000_000);
        let (y, mo, d) = civil_from_days(seconds.div_euclid(86_400));
        let s = seconds.rem_euclid(86_400);
        format!(
            "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }

    /// The alert in Falco's JSON output shape (json_output, http_output).
    ///
    /// ```
    /// # use falco_sdk::{proto::outputs::Response, Alert};
    /// let alert = Alert::from(Response { priority: 0, source: "aws_cloudtrail".into(), ..Response::default() });
    /// let json = alert.to_json();
    /// assert_eq!(json["priority"], "Emergency"); // Capitalised, as in Falco's JSON output
    /// assert_eq!(json["source"], "aws_cloudtrail"); // a plugin's source, as Falco sends it
    /// ```
    pub fn to_json(&self) -> Value {
        json!({
            "hostname": self.hostname,
            "output": self.output,
            "output_fields": self.output_fields,
            "priority": self.priority.as_str(),
            "rule": self.rule,
            "source": self.source,
            "tags": self.tags,
            "time": self.time_rfc3339(),
        })
    }
}
