{#- RESTRICTED: each link adviser's caseload in the report term, as the service plan report shows it - how many
    schools, how many on the register, the contacts due and counted, and how many schools each delivery flag is
    raised for. Schools without a link adviser on the groupings return form one row of their own. -#}
with

delivery as (

    select * from {{ ref('rpt_service__delivery') }}

),

final as (

    select
        coalesce(link_adviser, 'No link adviser recorded') as link_adviser,
        link_adviser is not null as has_link_adviser,
        {{ any_one('report_term') }} as report_term,
        {{ any_one('report_date') }} as report_date,
        count(*) as schools,
        count(*) filter (where governance = 'maintained') as maintained_schools,
        count(*) filter (where governance = 'academy') as academies,
        count(*) filter (where register_reviews_required > 0) as schools_on_register,
        count(*) filter (where judgement_status like 'judged%') as schools_judged,
        cast(coalesce(sum(contacts_due_to_date), 0) as bigint) as contacts_due_to_date,
        cast(coalesce(sum(contacts_counted), 0) as bigint) as contacts_counted,
        count(*) filter (where under_delivered) as schools_under_delivered,
        count(*) filter (where over_delivered) as schools_over_delivered,
        count(*) filter (where core_visit_missing) as core_visits_missing,
        count(*) filter (where monitoring_meetings_missing) as monitoring_meetings_missing,
        count(*) filter (where register_reviews_missing) as register_reviews_missing,
        -- Advisers by name, the unassigned schools last.
        row_number() over (order by link_adviser is null, link_adviser) as caseload_order
    from delivery
    group by link_adviser

)

select * from final
