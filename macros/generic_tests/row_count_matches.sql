{% test row_count_matches(model, compare_model, where_clause=none, compare_where=none) %}
    {#- One row when the two row counts differ: replaces dbt_utils.equal_rowcount. -#}
    with counts as (
        select
            (select count(*) from {{ model }}
             {%- if where_clause %} where {{ where_clause }}{% endif %}) as model_rows,
            (select count(*) from {{ compare_model }}
             {%- if compare_where %} where {{ compare_where }}{% endif %}) as compare_rows
    )
    select * from counts where model_rows != compare_rows
{% endtest %}
