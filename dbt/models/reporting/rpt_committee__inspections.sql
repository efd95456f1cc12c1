{#- Every inspection of the LA's maintained schools and academies with the reporting term it was published in:
    the committee report for a term (a Dagster partition) shows that term's rows. -#}
with

terms as (

    select * from {{ ref('school_terms') }}

),

inspections as (

    select * from {{ ref('int_la_school_inspections') }}

),

final as (

    select
        terms.academic_year,
        terms.term_code,
        inspections.urn,
        inspections.school_name,
        inspections.publication_date,
        inspections.inspection_regime,
        inspections.outcome_label as overall_effectiveness_label,
        inspections.previous_outcome_label as previous_effectiveness_label,
        inspections.movement
    from inspections
    -- reporting terms are contiguous, so every publication date in the seed's range has exactly one term
    inner join terms
        on inspections.publication_date between terms.term_start and terms.term_end

)

select * from final
