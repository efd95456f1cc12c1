{#- The schools that get an Achievement and Target Setting Booklet: every open LA-maintained school with a key
    stage the booklet reports (KS2 or KS4), with its context (latest census) and its current Ofsted outcome
    (fct_school_latest_ofsted: the latest inspection in any regime, the same one the booklet's inspection history
    lists first). Nursery schools have no KS2 or KS4 results, so a booklet of attainment would be empty: they get
    none. -#}
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
        latest_ofsted.latest_outcome_label
        || case
            when latest_ofsted.judgement_inspection_number <> latest_ofsted.inspection_number
                then ' (confirming ' || latest_ofsted.judgement_outcome_label
                    || coalesce(', published ' || {{ date_words('latest_ofsted.judgement_publication_date') }}, '') || ')'
            else ''
        end
        || case when latest_ofsted.is_inherited_from_predecessor then ' - an inspection of the predecessor school' else '' end
            as latest_ofsted_label,
        latest_ofsted.publication_date as latest_ofsted_publication_date,
        latest_ofsted.inspection_number as latest_ofsted_inspection_number
    from schools
    left join latest_ofsted
        on latest_ofsted.urn = schools.urn

)

select * from final
