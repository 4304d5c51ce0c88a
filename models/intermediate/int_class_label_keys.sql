{#- Every text that names a class (its index, wnid, clean name or any synonym, matched
    case-, underscore- and space-insensitively) with the class it names. A key naming
    several classes (ImageNet has two "missile" and two "sunglasses") is kept, flagged
    ambiguous, so labels are reported rather than guessed. -#}

with classes as (
    select
        class_index,
        wnid,
        synset_names,
        clean_name
    from {{ ref(var('class_list_seed')) }}
),

keys as (
    select
        cast(class_index as {{ dbt.type_string() }}) as label_key,
        class_index,
        'index' as key_kind
    from classes
    union all
    select
        lower(trim(wnid)),
        class_index,
        'wnid'
    from classes
    union all
    select
        {{ label_key('clean_name') }},
        class_index,
        'name'
    from classes
    {% for position in range(1, 11) %}
        union all
        select
            {{ label_key(split_part_at('synset_names', ',', position)) }},
            class_index,
            'synonym'
        from classes
    {% endfor %}
),

keys_grouped as (
    select
        label_key,
        min(class_index) as class_index,
        count(distinct class_index) as classes_named,
        min(key_kind) as key_kind
    from keys
    where label_key is not null and label_key != ''
    group by 1
),

final as (
    select
        label_key,
        case when classes_named = 1 then class_index end as class_index,
        classes_named,
        classes_named > 1 as is_ambiguous,
        key_kind
    from keys_grouped
)

select * from final
