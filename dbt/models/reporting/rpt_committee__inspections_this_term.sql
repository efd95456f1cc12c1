with

report_term as (

    select * from {{ ref('int_report_term') }}

),

schools as (

    select * from {{ ref('dim_school') }}
    where is_la_school
        and governance in ('maintained', 'academy')

),

history as (

    select * from {{ ref('int_school_inspection_history') }}

),

grades as (

    select * from {{ ref('ofsted_grades') }}

),

-- The school's own inspections (generations_back = 0); the previous judgement may come from a predecessor URN.
inspections_in_term as (

    select history.*
    from history
    inner join report_term
        on history.publication_date between report_term.term_start and report_term.term_end
    where history.generations_back = 0

),

final as (

    select
        inspections_in_term.urn,
        schools.school_name,
        inspections_in_term.publication_date,
        coalesce(current_grade.grade_label, 'Not graded')
            || case inspections_in_term.category_of_concern
                when 'SM' then ' (special measures)'
                when 'SWK' then ' (serious weaknesses)'
                else ''
            end as overall_effectiveness_label,
        coalesce(previous_grade.grade_label, 'None') as previous_effectiveness_label,
        case
            when inspections_in_term.overall_effectiveness_grade is null then 'not graded'
            when inspections_in_term.previous_effectiveness_grade is null then 'first inspection'
            -- Grade 1 is the best, so a lower number is an improvement.
            when inspections_in_term.overall_effectiveness_grade < inspections_in_term.previous_effectiveness_grade then 'improved'
            when inspections_in_term.overall_effectiveness_grade > inspections_in_term.previous_effectiveness_grade then 'declined'
            else 'unchanged'
        end as movement
    from inspections_in_term
    inner join schools
        on schools.urn = inspections_in_term.urn
    left join grades as current_grade
        on current_grade.overall_effectiveness_grade = inspections_in_term.overall_effectiveness_grade
    left join grades as previous_grade
        on previous_grade.overall_effectiveness_grade = inspections_in_term.previous_effectiveness_grade

)

select * from final
