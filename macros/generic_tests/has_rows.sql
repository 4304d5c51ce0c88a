{% test has_rows(model, where_clause=none) %}
    {#- Fails when the model (or the filtered part) is empty: replaces dbt_utils.at_least_one. -#}
    select 1 as is_empty
    from (select count(*) as model_rows from {{ model }}
          {%- if where_clause %} where {{ where_clause }}{% endif %}) as counted
    where model_rows = 0
{% endtest %}
