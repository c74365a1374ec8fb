//! `acls`, `put-acl`, `get-acl`, `delete-acl`.

use clap::Args;

#[derive(Debug, Args)]
pub struct AclArgs {
    /// Scope name
    pub scope: String,
    /// User name, service principal application id, or group name (`users` is every workspace user)
    pub principal: String,
}

#[derive(Debug, Args)]
pub struct PutAclArgs {
    /// Scope name
    pub scope: String,
    /// User name, service principal application id, or group name (`users` is every workspace user)
    pub principal: String,
    /// READ (list and read secrets), WRITE (also put and delete) or MANAGE (also change ACLs); any case
    pub permission: String,
}

#[derive(Debug, Args)]
pub struct DeleteAclArgs {
    /// Scope name
    pub scope: String,
    /// User name, service principal application id, or group name
    pub principal: String,
    /// Succeed (exit 0) when the principal has no ACL on the scope
    #[arg(long)]
    pub if_exists: bool,
}
