{#- The schools that get an Achievement and Target Setting Booklet: every open LA-maintained school with a key
    stage the booklet reports (KS2 or KS4), with its context (latest census) and latest Ofsted outcome. Nursery
    schools have no KS2 or KS4 results, so a booklet of attainment would be empty: they get none. -#}
with

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_school
        and is_maintained
        and is_open
        and phase <> 'nursery'

),

latest_ofsted as (

    select * from {{ ref('fct_school_latest_ofsted') }}

),

final as (

    select
        schools.urn,
        schools.laestab,
        schools.la_code,
        schools.la_name,
        schools.school_name,
        schools.type_of_establishment,
        schools.phase,
        schools.phase_of_education,
        schools.statutory_low_age,
        schools.statutory_high_age,
        schools.number_of_pupils,
        schools.predecessor_urns,
        latest_ofsted.overall_effectiveness_label as latest_ofsted_label,
        latest_ofsted.publication_date as latest_ofsted_publication_date
    from schools
    left join latest_ofsted
        on latest_ofsted.urn = schools.urn

)

select * from final
