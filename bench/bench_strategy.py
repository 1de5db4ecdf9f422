"""Class strategies at scale: follow-ups and allocation of 100,000 classified customers.

Creates sales teams of salespeople (one team leader each, owner levels from director to
assistant, capacity 1.5x their share of the load) and customer companies by SQL, each
with a class in the main company (strategic 5 %, potential 15 %, optimization 50 %,
prospect 30 %) and, for 80 % of them, a salesperson and a sales team (most of them in the
team of their rule below, a few heavy portfolios). Then times, each in its own committed
transaction: the first planning of every class follow-up, the rerun with nothing due, the
scheduled action with nothing due, and the preview of an allocation of every customer by
one rule per team (id ranges, every level allowed, keep, least loaded and round robin in
turn). Targets on 2 cores: first planning <= 60 s, rerun and scheduled action <= 2 s (the
rerun creating nothing), preview <= 10 s, peak memory <= 1 GB. A miss is reported, not
raised. About 3 minutes with the defaults, half of them creating the database.

Usage: cd bench && python3 bench_strategy.py [--partners 100000] [--salespeople 50]
       [--teams 5] [--keep] [--db NAME]
"""

import subprocess

from _common import Timer, bench_database, environment, insert_customers, machine
from _common import parse_args, peak_rss_mb

from odoo import Command

#: class mix, out of 20 customers in id order: 1 strategic, 3 potential, 10 optimization, 6 prospect
CLASS_MIX_SQL = """
CASE WHEN b.rn %% 20 = 0 THEN %(strategic)s
     WHEN b.rn %% 20 < 4 THEN %(potential)s
     WHEN b.rn %% 20 < 14 THEN %(optimization)s
     ELSE %(prospect)s END
"""

#: class, salesperson and team of the bench customers. ``q`` is the customer's team (id
#: ranges, highest ids first, as the allocation rules go); 80 % have an owner, 90 % of
#: those in the customer's team (rank drawn as floor(per * random()^1.5): a few heavy
#: portfolios), the others anywhere.
ASSIGN_SQL = f"""
SELECT setseed(0.42);
UPDATE res_partner p
   SET customer_class_id = jsonb_build_object(%(key)s::text, {CLASS_MIX_SQL}),
       user_id = CASE WHEN b.owned THEN (%(users)s::int[])[b.k] END,
       team_id = CASE WHEN b.owned THEN (%(teams)s::int[])[b.k] END
  FROM (SELECT id, rn, r_owned < 0.8 AS owned,
               CASE WHEN r_stray < 0.1 THEN 1 + floor(%(users_count)s * r_member)::int
                    ELSE (q - 1) * %(per)s + 1 + floor(%(per)s * r_member ^ 1.5)::int END AS k
          FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn,
                       ntile(%(team_count)s) OVER (ORDER BY id DESC) AS q,
                       random() AS r_owned, random() AS r_stray, random() AS r_member
                  FROM res_partner WHERE name LIKE 'Bench customer %%') x) b
 WHERE p.id = b.id
"""

#: owner levels of a team, by rank in it: the leader directs, then a pyramid
LEVEL_SHARES = ((0.3, "manager"), (0.6, "specialist"), (1.0, "assistant"))
METHODS = ("keep", "least_loaded", "round_robin")


def count(cr, query, params=None):
    cr.execute(query, params)
    return cr.fetchone()[0]


def level_of(rank, size):
    """Owner level of the ``rank``-th member (0 = leader) of a team of ``size``."""
    if rank == 0:
        return "director"
    return next(level for share, level in LEVEL_SHARES if rank / size < share)


def sales_teams(env, args):
    """``args.teams`` teams of salespeople; their users, team ids and memberships, in order."""
    per = max(1, args.salespeople // args.teams)
    groups = [env.ref("base.group_user").id, env.ref("sales_team.group_sale_salesman").id]
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nolog=True, tracking_disable=True)
        .create(
            [
                {
                    "name": f"Bench salesperson {i + 1}",
                    "login": f"bench.sales.{i + 1}",
                    "email": f"bench.sales.{i + 1}@example.com",
                    "groups_id": [Command.set(groups)],
                }
                for i in range(per * args.teams)
            ]
        )
    )
    team_ids, members = [], env["crm.team.member"]
    for t in range(args.teams):
        team_users = users[t * per : (t + 1) * per]
        team = env["crm.team"].create(
            {
                "name": f"Bench team {t + 1}",
                "user_id": team_users[0].id,
                "company_id": env.company.id,
            }
        )
        members |= members.create(
            [
                {
                    "crm_team_id": team.id,
                    "user_id": user.id,
                    "customer_owner_level": level_of(rank, per),
                }
                for rank, user in enumerate(team_users)
            ]
        )
        team_ids += [team.id] * per
    return users, team_ids, members, per


def generate(env, args):
    """Teams, customers with a class and most with an owner, capacities; vacuumed."""
    cr = env.cr
    # customers first: the foreign key checks of res_partner that the ORM's users would
    # plan first, on a table of a few rows, would scan it all for each of the 100,000
    insert_customers(cr, args.partners)
    users, team_ids, members, per = sales_teams(env, args)
    classes = {
        code: env.ref(f"customer_classification.class_{code}").id
        for code in ("strategic", "potential", "optimization", "prospect")
    }
    cr.execute(
        ASSIGN_SQL,
        dict(
            classes,
            key=str(env.company.id),
            users=users.ids,
            teams=team_ids,
            users_count=len(users),
            per=per,
            team_count=args.teams,
        ),
    )
    weights = count(
        cr,
        "SELECT sum(c.allocation_weight) FROM res_partner p"
        " JOIN customer_class c ON c.id = (p.customer_class_id ->> %s)::int"
        " WHERE p.name LIKE 'Bench customer %%'",
        [str(env.company.id)],
    )
    capacity = round(weights / len(users) * 1.5)
    members.write({"customer_capacity": capacity})
    cr.commit()
    subprocess.run(["psql", "-d", cr.dbname, "-qc", "VACUUM ANALYZE"], check=True)
    print(
        f"  {args.teams} teams of {per} salespeople (capacity {capacity:,} each, load"
        f" weights {weights:,.0f} in all)"
    )
    return users


def followup_runs(env):
    """Every customer's follow-ups planned, then the same with nothing due."""
    cr, Partner = env.cr, env["res.partner"]
    expected = count(
        cr,
        "SELECT count(*) FROM res_partner p JOIN customer_class_followup f"
        " ON f.active AND f.class_id = (p.customer_class_id ->> %s)::int"
        " WHERE p.name LIKE 'Bench customer %%'",
        [str(env.company.id)],
    )
    with Timer() as first:
        stats = Partner._schedule_class_followups()
        cr.commit()
    cr.execute(
        "SELECT u.login = 'admin', count(*) FROM mail_activity a JOIN res_users u"
        " ON u.id = a.user_id WHERE a.customer_followup_id IS NOT NULL GROUP BY 1"
    )
    fallback = dict(cr.fetchall()).get(True, 0)
    print(
        f"First follow-ups: {first.elapsed:.1f} s, {stats['created']:,} activities created"
        f" ({expected:,} expected, {fallback:,} to the follow-up user of Settings),"
        f" {stats['cancelled']:,} cancelled, {stats['unassigned']:,} without anyone",
        flush=True,
    )
    env.invalidate_all()
    with Timer() as rerun:
        again = Partner._schedule_class_followups()
        cr.commit()
    print(
        f"Rerun, nothing due: {rerun.elapsed:.2f} s, {again['created']:,} created,"
        f" {again['cancelled']:,} cancelled"
    )
    return first.elapsed, rerun.elapsed, again["created"]


def cron_run(env):
    """The scheduled action with nothing due, next to the query that finds what is due."""
    cr, Partner = env.cr, env["res.partner"]
    env.invalidate_all()
    with Timer() as pending:
        due, _scope = Partner._followup_pending(env.company)
        cr.commit()
    env.invalidate_all()
    activities = "SELECT count(*) FROM mail_activity WHERE customer_followup_id IS NOT NULL"
    before = count(cr, activities)
    with Timer() as cron:
        Partner._cron_schedule_class_followups()
        cr.commit()
    after = count(cr, activities)
    print(
        f"Scheduled action, nothing due: {cron.elapsed:.2f} s"
        f" (the pending query alone: {pending.elapsed:.2f} s, {len(due):,} customers due;"
        f" {after - before:+,} activities)"
    )
    return cron.elapsed


def allocation_rules(env, args):
    """One rule per team, by id range (highest ids first), every level, methods in turn."""
    cr = env.cr
    cr.execute(
        "SELECT q, min(id) FROM (SELECT id, ntile(%s) OVER (ORDER BY id DESC) AS q"
        " FROM res_partner WHERE name LIKE 'Bench customer %%') x GROUP BY q ORDER BY q",
        [args.teams],
    )
    lows = [low for _q, low in cr.fetchall()]
    teams = env["crm.team"].search([("name", "like", "Bench team %")], order="id")
    return env["customer.allocation.rule"].create(
        [
            {
                "name": f"Bench rule {i + 1}",
                "sequence": i + 1,
                "domain": f"[('id', '>', {low - 1})]",
                "team_id": team.id,
                "allow_director": True,
                "allow_manager": True,
                "allow_specialist": True,
                "allow_assistant": True,
                "method": METHODS[i % len(METHODS)],
            }
            for i, (team, low) in enumerate(zip(teams, lows, strict=True))
        ]
    )


def allocation_preview(env, args):
    """The allocation wizard's preview of every customer in scope."""
    cr = env.cr
    rules = allocation_rules(env, args)
    wizard = env["customer.allocation.wizard"].create(
        {"target": "all", "rule_ids": [Command.set(rules.ids)]}
    )
    cr.commit()
    env.invalidate_all()
    with Timer() as preview:
        wizard.action_preview()
        cr.commit()
    cr.execute(
        "SELECT reason, count(*), count(*) FILTER (WHERE changed)"
        " FROM customer_allocation_wizard_line WHERE wizard_id = %s GROUP BY 1 ORDER BY 2 DESC",
        [wizard.id],
    )
    reasons = cr.fetchall()
    print(
        f"Allocation preview: {preview.elapsed:.1f} s for {wizard.customer_count:,} customers"
        f" by {len(rules)} rules ({', '.join(rules.mapped('method'))}),"
        f" {wizard.moved_count:,} would move, {wizard.unassigned_count:,} left as they are"
    )
    print("  reasons: " + ", ".join(f"{why} {n:,} ({moved:,} moving)" for why, n, moved in reasons))
    print(
        f"  fairness: max/min load {wizard.ratio_before:.2f} -> {wizard.ratio_after:.2f},"
        f" standard deviation {wizard.stdev_before:,.1f} -> {wizard.stdev_after:,.1f}"
    )
    return preview.elapsed, wizard


def allocation_apply(env, wizard):
    """Apply the previewed allocation: owners written, one note per customer, a run logged,
    the moved customers' open follow-ups handed to their new salesperson."""
    cr = env.cr
    notes = "SELECT count(*) FROM mail_message WHERE model = 'res.partner'"
    before = count(cr, notes)
    env.invalidate_all()
    with Timer() as apply:
        wizard.action_apply()
        cr.commit()
    run = env["customer.allocation.run"].search([], limit=1)
    print(
        f"Allocation applied: {apply.elapsed:.1f} s for {run.line_count:,} customers moved,"
        f" {count(cr, notes) - before:,} notes logged (no target in the issue)"
    )
    return apply.elapsed


def main():
    args = parse_args(
        __doc__,
        partners=(int, 100_000, "customer companies to create"),
        salespeople=(int, 50, "salespeople, spread over the teams"),
        teams=(int, 5, "sales teams"),
    )
    with bench_database(args) as registry, environment(registry) as env:
        print(f"Machine: {machine()}", flush=True)
        with Timer() as gen:
            generate(env, args)
        print(
            f"Generated {args.partners:,} classified customers in {gen.elapsed:.1f} s",
            flush=True,
        )
        first, rerun, recreated = followup_runs(env)
        cron = cron_run(env)
        preview, wizard = allocation_preview(env, args)
        rss = peak_rss_mb()
        print(f"Peak memory: {rss:.0f} MB RSS")
        allocation_apply(env, wizard)
        print(f"Peak memory after the apply: {peak_rss_mb():.0f} MB RSS")
        print("Targets:")
        for label, value, limit, unit in (
            ("first follow-ups", first, 60, "s"),
            ("rerun", rerun, 2, "s"),
            ("rerun creates", recreated, 0, ""),
            ("scheduled action", cron, 2, "s"),
            ("allocation preview", preview, 10, "s"),
            ("peak memory", rss, 1024, "MB"),
        ):
            verdict = "PASS" if value <= limit else "FAIL"
            print(f"  {label:<18} {value:>8,.1f} {unit:<2} target <= {limit:g}: {verdict}")


if __name__ == "__main__":
    main()
