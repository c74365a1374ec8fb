//! dbsecrets: manage Databricks secret scopes, secrets and scope ACLs through the
//! Secrets API 2.0.
//!
//! The data path reads left to right: argv → [`cli`] → [`commands`] →
//! [`config`]/[`auth`] → [`api`] → [`output`] → stdout. [`emulator`] is a local
//! implementation of the same API for trying the tool and for tests.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod emulator;
pub mod error;
pub mod output;
pub mod secret;
pub mod validate;
pub mod value;
