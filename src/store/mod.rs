//! Where keys live outside `.env` files: the OS keyring.

pub mod keyring;

#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
mod secret_service;
