{#- RESTRICTED. The register of schools causing concern in force, with months on the register (as at the report
    date) and the reviews held this term, counted across every accepted version of the register. -#}
with

register as (

    select * from {{ ref('stg_returns__causing_concern_register') }}

),

history as (

    select * from {{ ref('stg_returns__causing_concern_register_history') }}

),

report_term as (

    select * from {{ ref('int_report_term') }}

),

schools as (

    select urn, school_name from {{ ref('dim_school') }}

),

reviews_this_term as (

    select
        history.urn,
        count(distinct history.last_reviewed_on) as review_count,
        -- A date cast to text is ISO 8601 (YYYY-MM-DD) on every engine.
        string_agg(distinct cast(history.last_reviewed_on as varchar), ', ' order by cast(history.last_reviewed_on as varchar))
            as review_dates
    from history
    cross join report_term
    where history.last_reviewed_on between report_term.term_start and least(report_term.term_end, report_term.report_date)
    group by history.urn

),

final as (

    select
        register.urn,
        schools.school_name,
        register.date_added,
        cast(
            -- Month boundaries crossed (DuckDB's date_diff('month', ...)), less one where the day of the month
            -- has not come round again.
            (extract(year from report_term.report_date) - extract(year from register.date_added)) * 12
            + extract(month from report_term.report_date) - extract(month from register.date_added)
            - case when extract(day from report_term.report_date) < extract(day from register.date_added) then 1 else 0 end
            as integer
        ) as months_on_register,
        register.key_concerns,
        register.support_offered,
        register.progress_and_actions,
        register.next_steps,
        register.lead_professional,
        register.last_reviewed_on,
        register.next_review_due,
        cast(coalesce(reviews_this_term.review_count, 0) as integer) as reviews_this_term,
        reviews_this_term.review_dates as review_dates_this_term,
        coalesce(reviews_this_term.review_count, 0) >= 2 as is_reviewed_twice_this_term,
        report_term.report_term,
        report_term.report_date,
        register.return_as_at as register_as_at
    from register
    cross join report_term
    left join schools
        on schools.urn = register.urn
    left join reviews_this_term
        on reviews_this_term.urn = register.urn

)

select * from final
