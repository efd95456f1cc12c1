{#- The current Ofsted outcome of every school in the register (int_latest_ofsted_inspection), with the outcome in
    words as every report shows it. -#}
with

schools as (

    select * from {{ ref('dim_school') }}

),

latest as (

    select * from {{ ref('int_latest_ofsted_inspection') }}

),

states as (

    select * from {{ ref('ofsted_outcome_states') }}

),

inspections as (

    select * from {{ ref('stg_ofsted__inspections') }}

),

snapshot as (

    select max(ofsted_as_at_date) as ofsted_as_at_date from inspections

),

final as (

    select
        schools.urn,
        latest.urn is not null as has_been_inspected,
        latest.inspected_urn,
        coalesce(latest.is_inherited_from_predecessor, false) as is_inherited_from_predecessor,
        latest.inspection_number,
        latest.inspection_type,
        latest.inspection_start_date,
        latest.publication_date,
        latest.inspection_regime,
        latest.outcome_label as latest_outcome_label,
        latest.judgement_inspection_number,
        latest.judgement_start_date,
        latest.judgement_publication_date,
        latest.judgement_regime,
        latest.judgement_outcome_label,
        latest.overall_effectiveness_grade,
        latest.overall_effectiveness_label,
        latest.category_of_concern,
        coalesce(latest.is_good_or_outstanding, false) as is_good_or_outstanding,
        coalesce(latest.is_below_good, false) as is_below_good,
        -- The Ofsted outcome state the categorisation, tier and intervention rules match on.
        coalesce(latest.outcome_state, 'not_inspected') as ofsted_outcome_state,
        states.state_label as ofsted_outcome_state_label,
        latest.outcome_rule_version,
        latest.outcome_rule_code,
        latest.outcome_rule_wording,
        -- The outcome in words: the latest inspection and, when it confirmed an earlier judgement, that judgement.
        case
            when latest.urn is null then 'Not yet inspected (no inspection of this school or of any predecessor)'
            else
                latest.outcome_label
                || coalesce(', published ' || {{ date_words('latest.publication_date') }}, '')
                || case
                    when latest.is_inherited_from_predecessor
                        then ' (an inspection of predecessor school URN ' || latest.inspected_urn || ')'
                    else ''
                end
                || case
                    when latest.judgement_inspection_number is null then ''
                    when latest.judgement_inspection_number <> latest.inspection_number
                        then '; it confirmed the judgement of ' || latest.judgement_outcome_label
                            || coalesce(' published ' || {{ date_words('latest.judgement_publication_date') }}, '')
                    else ''
                end
                || '. For support decisions this counts as ' || states.state_label
                || coalesce(': ' || latest.outcome_rule_wording, '')
        end as current_outcome_summary,
        latest.previous_outcome_label,
        coalesce(latest.chain_inspection_count, 0) as chain_inspection_count,
        snapshot.ofsted_as_at_date
    from schools
    cross join snapshot
    left join latest
        on latest.urn = schools.urn
    left join states
        on states.outcome_state = coalesce(latest.outcome_state, 'not_inspected')

)

select * from final
