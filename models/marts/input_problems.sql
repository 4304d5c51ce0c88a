{{ config(post_hook="{{ stop_on_input_errors(this) }}") }}

{#- The input checks' findings, sorted, one row per finding. A post-hook stops the build
    on any error with the first findings in the message, before a deliverable is written. -#}

with problems as (
    select * from {{ ref('int_input_problems_collected') }}
),

final as (
    select
        severity,
        check_name,
        input_file,
        record,
        field,
        value,
        message,
        image_id,
        row_number() over (
            order by
                case severity when 'error' then 0 else 1 end, check_name,
                input_file, record, field, value
        ) as problem_number
    from problems
)

select * from final
