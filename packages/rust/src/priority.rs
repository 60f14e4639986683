//! Falco's priorities, most severe first.

use std::fmt;
use std::str::FromStr;

/// A Falco priority. Ordered by severity: `Emergency < Debug`, so
/// `alert.priority <= Priority::Warning` is "Warning or more severe".
///
/// ```
/// use falco_sdk::Priority;
/// assert!(Priority::Critical < Priority::Warning);
/// assert_eq!(Priority::Warning.to_string(), "Warning");
/// assert_eq!("informational".parse::<Priority>(), Ok(Priority::Informational));
/// assert_eq!(Priority::from_number(4), Priority::Warning);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Priority {
    /// 0: the most severe.
    Emergency,
    /// 1.
    Alert,
    /// 2.
    Critical,
    /// 3.
    Error,
    /// 4.
    Warning,
    /// 5.
    Notice,
    /// 6 (Falco's rules say `INFO`).
    Informational,
    /// 7: the least severe.
    Debug,
}

impl Priority {
    /// Every priority, most severe first (index = Falco's number).
    ///
    /// ```
    /// assert_eq!(falco_sdk::Priority::ALL[4], falco_sdk::Priority::Warning);
    /// ```
    pub const ALL: [Priority; 8] = [
        Priority::Emergency,
        Priority::Alert,
        Priority::Critical,
        Priority::Error,
        Priority::Warning,
        Priority::Notice,
        Priority::Informational,
        Priority::Debug,
    ];

    /// From Falco's number (`falco.schema.priority`), out-of-range numbers clamped to 0..=7.
    ///
    /// ```
    /// assert_eq!(falco_sdk::Priority::from_number(99), falco_sdk::Priority::Debug);
    /// ```
    pub fn from_number(number: i32) -> Priority {
        Priority::ALL[number.clamp(0, 7) as usize]
    }

    /// Falco's name, Capitalised as its JSON output writes it.
    ///
    /// ```
    /// assert_eq!(falco_sdk::Priority::Notice.as_str(), "Notice");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "Emergency",
            Priority::Alert => "Alert",
            Priority::Critical => "Critical",
            Priority::Error => "Error",
            Priority::Warning => "Warning",
            Priority::Notice => "Notice",
            Priority::Informational => "Informational",
            Priority::Debug => "Debug",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name [`Priority::from_str`] does not know.
///
/// ```
/// use falco_sdk::{Priority, UnknownPriority};
/// let error = "urgent".parse::<Priority>().unwrap_err();
/// assert_eq!(error, UnknownPriority("urgent".into()));
/// assert!(error.to_string().contains("use one of Emergency"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPriority(pub String);

impl fmt::Display for UnknownPriority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown priority {:?}: use one of Emergency, Alert, Critical, Error, Warning, Notice, Informational (or Info), Debug",
            self.0
        )
    }
}

impl std::error::Error for UnknownPriority {}

impl FromStr for Priority {
    type Err = UnknownPriority;
    /// Case-insensitive; `info` is `Informational` (Falco's rules spell it so).
    fn from_str(text: &str) -> Result<Priority, UnknownPriority> {
        let lower = text.trim().to_ascii_lowercase();
        if lower == "info" {
            return Ok(Priority::Informational);
        }
        Priority::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(&lower))
            .ok_or_else(|| UnknownPriority(text.to_string()))
    }
}
