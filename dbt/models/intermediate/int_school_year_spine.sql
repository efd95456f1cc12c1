with

establishments as (

    select * from {{ ref('int_school_register') }}

),

ks2_years as (

    select distinct academic_year from {{ ref('stg_ks2__school_results') }}

),

ks4_years as (

    select distinct academic_year from {{ ref('stg_ks4__school_results') }}

),

academic_years as (

    select
        academic_year,
        make_date(cast(left(academic_year, 4) as integer), 9, 1) as year_start_date,
        make_date(cast(left(academic_year, 4) as integer) + 1, 8, 31) as year_end_date,
        -- KS2 tests and KS4 exams happen in May/June: a school must be open then to have results.
        make_date(cast(left(academic_year, 4) as integer) + 1, 6, 1) as assessment_date
    from (select academic_year from ks2_years union select academic_year from ks4_years) as years

),

spine as (

    select
        establishments.urn,
        academic_years.academic_year,
        academic_years.year_start_date,
        academic_years.year_end_date,
        coalesce(establishments.open_date <= academic_years.assessment_date, true)
            and coalesce(establishments.close_date >= academic_years.assessment_date, true)
            as is_open_at_assessment,
        -- Age range decides which key stages a school is expected to report.
        coalesce(establishments.statutory_low_age <= 10 and establishments.statutory_high_age >= 11, false)
            as covers_ks2_age,
        coalesce(establishments.statutory_low_age <= 15 and establishments.statutory_high_age >= 16, false)
            as covers_ks4_age
    from establishments
    inner join academic_years
        on coalesce(establishments.open_date <= academic_years.year_end_date, true)
        and coalesce(establishments.close_date >= academic_years.year_start_date, true)

),

final as (

    select
        urn,
        academic_year,
        year_start_date,
        year_end_date,
        is_open_at_assessment,
        is_open_at_assessment and covers_ks2_age as expects_ks2_results,
        is_open_at_assessment and covers_ks4_age as expects_ks4_results
    from spine

)

select * from final
