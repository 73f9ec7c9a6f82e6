//! Ports (placeholder).
