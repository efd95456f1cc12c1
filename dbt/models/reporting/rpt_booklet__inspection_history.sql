{#- Booklet inspection history: each booklet school's Ofsted inspections, its predecessors' included. -#}
with

schools as (

    select * from {{ ref('rpt_booklet__schools') }}

),

history as (

    select * from {{ ref('int_school_inspection_history') }}

),

grades as (

    select * from {{ ref('ofsted_grades') }}

),

final as (

    select
        history.urn,
        history.inspected_urn,
        history.is_inherited_from_predecessor,
        history.inspection_number,
        history.inspection_type,
        history.inspection_start_date,
        history.publication_date,
        history.overall_effectiveness_grade,
        coalesce(grades.grade_label, 'Not graded') as overall_effectiveness_label,
        case history.category_of_concern
            when 'SM' then 'Special measures'
            when 'SWK' then 'Serious weaknesses'
            else 'None'
        end as category_of_concern_label
    from history
    inner join schools
        on schools.urn = history.urn
    left join grades
        on grades.overall_effectiveness_grade = history.overall_effectiveness_grade

)

select * from final
