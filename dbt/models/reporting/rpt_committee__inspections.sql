{#- Every inspection of the LA's maintained schools and academies with the reporting term it was published in:
    the committee report for a term (a Dagster partition) shows that term's rows. -#}
with

terms as (

    select * from {{ ref('school_terms') }}

),

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_school
        and governance in ('maintained', 'academy')

),

-- One regime-aware outcome and movement per inspection, shared with the inspection briefing and the booklets.
-- The school's own inspections (generations_back = 0); the previous judgement may come from a predecessor URN.
outcomes as (

    select * from {{ ref('int_ofsted_inspection_outcomes') }}
    where generations_back = 0

),

final as (

    select
        terms.academic_year,
        terms.term_code,
        outcomes.urn,
        schools.school_name,
        outcomes.publication_date,
        outcomes.inspection_regime,
        outcomes.outcome_label as overall_effectiveness_label,
        outcomes.previous_outcome_label as previous_effectiveness_label,
        outcomes.movement
    from outcomes
    inner join schools
        on schools.urn = outcomes.urn
    -- reporting terms are contiguous, so every publication date in the seed's range has exactly one term
    inner join terms
        on outcomes.publication_date between terms.term_start and terms.term_end

)

select * from final
