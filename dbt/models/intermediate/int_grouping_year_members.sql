{#- The members of each of the LA's groupings for each academic year's results: the schools whose spell in the
    grouping covers the last day of the academic year (31 August, seed academic_years.year_end), the day the year's
    results describe. A school that moved partnership during the year counts in the partnership it ended the year in;
    years that end before the first groupings return took effect have no members. -#}
with

spells as (

    select * from {{ ref('int_school_grouping_history') }}

),

academic_years as (

    select * from {{ ref('academic_years') }}

),

final as (

    select
        spells.urn,
        spells.grouping_type,
        spells.grouping_name,
        academic_years.academic_year,
        academic_years.year_end as membership_date,
        spells.valid_from as member_since
    from spells
    inner join academic_years
        on spells.valid_from <= academic_years.year_end
        and (spells.valid_to is null or spells.valid_to > academic_years.year_end)

)

select * from final
