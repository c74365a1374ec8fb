//! `uc grants`, `uc grant`, `uc revoke`: Unity Catalog privileges on a
//! catalog, a schema or a secret.

use dbsecrets_client::grants::{
    EffectivePrivilegeAssignment, PermissionsChange, PrivilegeAssignment,
};
use dbsecrets_client::names::{uc_privilege, UcName};
use serde::Serialize;

use super::{uc_failure, Operation};
use crate::cli::{UcGrantArgs, UcGrantsArgs};
use crate::context::Context;
use crate::failure::Failure;
use crate::output::{set_columns, Columns, Report, Row, Rows};

/// A principal and its privileges granted on the object itself.
#[derive(Debug, Serialize, PartialEq)]
pub struct GrantRow {
    pub principal: String,
    pub privileges: Vec<String>,
}

impl Row for GrantRow {
    const HEADERS: &'static [&'static str] = &["principal", "privileges"];
    fn cells(&self) -> Vec<String> {
        vec![self.principal.clone(), self.privileges.join(",")]
    }
    fn display_cells(&self) -> Vec<String> {
        vec![self.principal.clone(), self.privileges.join(", ")]
    }
}

impl From<PrivilegeAssignment> for GrantRow {
    fn from(a: PrivilegeAssignment) -> Self {
        let mut privileges = a.privileges;
        privileges.sort();
        GrantRow {
            principal: a.principal,
            privileges,
        }
    }
}

/// One privilege in force, and where it comes from.
#[derive(Debug, Serialize, PartialEq)]
pub struct EffectiveRow {
    pub principal: String,
    pub privilege: String,
    /// `catalog`, `schema`, or none when granted on the object itself.
    pub inherited_from_type: Option<String>,
    pub inherited_from_name: Option<String>,
}

impl Row for EffectiveRow {
    const HEADERS: &'static [&'static str] = &[
        "principal",
        "privilege",
        "inherited_from_type",
        "inherited_from_name",
    ];
    const DISPLAY_HEADERS: &'static [&'static str] = &["principal", "privilege", "from"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.principal.clone(),
            self.privilege.clone(),
            self.inherited_from_type.clone().unwrap_or_default(),
            self.inherited_from_name.clone().unwrap_or_default(),
        ]
    }
    fn display_cells(&self) -> Vec<String> {
        let from = match (&self.inherited_from_type, &self.inherited_from_name) {
            (Some(t), Some(n)) => format!("{} {n}", t.to_lowercase()),
            (Some(t), None) => t.to_lowercase(),
            _ => "(granted here)".to_string(),
        };
        vec![self.principal.clone(), self.privilege.clone(), from]
    }
}

fn effective_rows(assignments: Vec<EffectivePrivilegeAssignment>) -> Vec<EffectiveRow> {
    let mut rows: Vec<EffectiveRow> = assignments
        .into_iter()
        .flat_map(|a| {
            let principal = a.principal;
            a.privileges.into_iter().map(move |p| EffectiveRow {
                principal: principal.clone(),
                privilege: p.privilege,
                inherited_from_type: p.inherited_from_type.map(|t| t.to_lowercase()),
                inherited_from_name: p.inherited_from_name,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.principal.to_lowercase(), &a.privilege).cmp(&(b.principal.to_lowercase(), &b.privilege))
    });
    rows
}

pub async fn grants(ctx: &Context, args: UcGrantsArgs) -> Result<Report, Failure> {
    let name = UcName::parse(&args.name)?;
    let client = ctx.client()?;
    let what = format!("{} '{name}'", name.securable_type());
    let doing = format!("cannot read the grants on {what}");
    let fail = |e| uc_failure(ctx, &e, &doing, Operation::Grants, &name);
    if args.effective {
        let found = client.grants().get_effective(&name).await.map_err(fail)?;
        let rows = effective_rows(found);
        return Ok(Report::rows(Rows::of(
            &rows,
            format!("Nobody holds a privilege on {what}."),
        )));
    }
    let found = client.grants().get(&name).await.map_err(fail)?;
    let mut rows: Vec<GrantRow> = found.into_iter().map(GrantRow::from).collect();
    rows.sort_by_key(|r| r.principal.to_lowercase());
    Ok(Report::rows(Rows::of(
        &rows,
        format!("No privileges are granted on {what} itself (`--effective` shows inherited ones)."),
    )))
}

/// What `uc grant` and `uc revoke` did.
#[derive(Debug, Serialize)]
pub struct GrantOutcome {
    /// granted or revoked.
    pub result: &'static str,
    pub securable_type: &'static str,
    pub full_name: String,
    pub principal: String,
    pub privileges: Vec<String>,
}

impl Columns for GrantOutcome {
    fn columns(&self) -> (Vec<&'static str>, Vec<String>) {
        let (mut headers, mut cells) = set_columns(
            self,
            &["result", "securable_type", "full_name", "principal"],
        );
        headers.push("privileges");
        cells.push(self.privileges.join(","));
        (headers, cells)
    }
}

pub async fn grant(ctx: &Context, args: UcGrantArgs) -> Result<Report, Failure> {
    change(ctx, args, true).await
}

pub async fn revoke(ctx: &Context, args: UcGrantArgs) -> Result<Report, Failure> {
    change(ctx, args, false).await
}

/// One PATCH of the permissions API that adds or removes the privileges.
async fn change(ctx: &Context, args: UcGrantArgs, add: bool) -> Result<Report, Failure> {
    let name = UcName::parse(&args.name)?;
    if args.principal.trim().is_empty() {
        return Err(Failure::usage(
            "the principal is empty: give a user name, a service principal's application id or a group name",
        ));
    }
    let mut privileges = Vec::new();
    for p in &args.privileges {
        let p = uc_privilege(p)?;
        if !privileges.contains(&p) {
            privileges.push(p);
        }
    }
    let change = PermissionsChange {
        principal: args.principal.clone(),
        add: if add { privileges.clone() } else { Vec::new() },
        remove: if add { Vec::new() } else { privileges.clone() },
    };
    let client = ctx.client()?;
    let what = format!("{} '{name}'", name.securable_type());
    client
        .grants()
        .update(&name, vec![change])
        .await
        .map_err(|e| {
            let doing = format!(
                "cannot {} {} {} on {what}",
                if add { "grant" } else { "revoke" },
                args.principal,
                privileges.join(", ")
            );
            uc_failure(ctx, &e, &doing, Operation::Grants, &name)
        })?;
    let sentence = if add {
        format!(
            "Granted {} on {what} to {}.",
            privileges.join(", "),
            args.principal
        )
    } else {
        format!(
            "Revoked {} on {what} from {}.",
            privileges.join(", "),
            args.principal
        )
    };
    Ok(Report::outcome(
        GrantOutcome {
            result: if add { "granted" } else { "revoked" },
            securable_type: name.securable_type(),
            full_name: name.full_name(),
            principal: args.principal,
            privileges,
        },
        sentence,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dbsecrets_client::grants::EffectivePrivilege;

    #[test]
    fn effective_rows_say_where_each_privilege_comes_from() {
        let rows = effective_rows(vec![EffectivePrivilegeAssignment {
            principal: "sp".into(),
            privileges: vec![
                EffectivePrivilege {
                    privilege: "READ_SECRET".into(),
                    inherited_from_type: Some("SCHEMA".into()),
                    inherited_from_name: Some("main.app".into()),
                },
                EffectivePrivilege {
                    privilege: "MANAGE".into(),
                    inherited_from_type: None,
                    inherited_from_name: None,
                },
            ],
        }]);
        assert_eq!(rows[0].privilege, "MANAGE");
        assert_eq!(rows[0].display_cells()[2], "(granted here)");
        assert_eq!(rows[1].display_cells()[2], "schema main.app");
        assert_eq!(rows[1].cells()[2], "schema");
    }
}
