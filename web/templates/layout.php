<?php
/**
 * The page frame: head with the nonce'd script, header with the search form
 * and language switch, the page body (already rendered and escaped), footer.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var string $nonce
 * @var string $title
 * @var string $body
 * @var string $section
 * @var string $switchPath
 * @var string $q
 */
$other = $t->locale === 'fr' ? 'en' : 'fr';
?>
<!doctype html>
<html lang="<?= $v->e($t->locale) ?>" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?= $v->e($title) ?> – <?= $v->e($t->t('site.name')) ?></title>
<link rel="stylesheet" href="<?= $v->asset('site.css') ?>">
<link rel="icon" href="<?= $v->asset('favicon.svg') ?>" type="image/svg+xml">
<link rel="alternate" hreflang="<?= $v->e($other) ?>" href="<?= $v->e('/' . $other . $switchPath) ?>">
<script src="<?= $v->asset('site.js') ?>" nonce="<?= $v->e($nonce) ?>" defer></script>
</head>
<body data-locale="<?= $v->e($t->locale) ?>">
<a class="skip-link" href="#main"><?= $v->e($t->t('nav.skip')) ?></a>
<?php if ($section === 'search' && str_contains($body, 'id="results"')) : ?>
<a class="skip-link" href="#results"><?= $v->e($t->t('nav.skip_results')) ?></a>
<?php endif; ?>
<header class="site-header">
  <div class="header-inner">
    <a class="site-name" href="<?= $v->link('/') ?>"><?= $v->e($t->t('site.name')) ?></a>
    <form id="search" class="search-form" role="search" action="<?= $v->link('/') ?>" method="get"
          data-suggest="<?= $v->link('/suggest') ?>">
      <label for="q" class="visually-hidden"><?= $v->e($t->t('search.label')) ?></label>
      <div class="combo">
        <input id="q" name="q" type="search" value="<?= $v->e($q) ?>" maxlength="256" autocomplete="off"
               spellcheck="false" placeholder="<?= $v->e($t->t('search.placeholder')) ?>">
        <ul id="q-suggestions" class="suggestions" role="listbox"
            aria-label="<?= $v->e($t->t('search.suggestions')) ?>"
            data-kind-brand="<?= $v->e($t->t('facet.brand')) ?>" data-kind-category="<?= $v->e($t->t('facet.category')) ?>" hidden></ul>
      </div>
      <button type="submit" class="btn btn-primary"><?= $v->e($t->t('search.submit')) ?></button>
    </form>
    <nav class="site-nav" aria-label="<?= $v->e($t->t('nav.label')) ?>">
      <a href="<?= $v->link('/list') ?>" data-list-link<?= $section === 'list' ? ' aria-current="page"' : '' ?>><?= $v->e($t->t('nav.list')) ?><span class="list-count" data-list-count></span></a>
      <a href="<?= $v->link('/partner') ?>"<?= $section === 'partner' ? ' aria-current="page"' : '' ?>><?= $v->e($t->t('nav.partner')) ?></a>
<?php if ($section === 'insights') : ?>
      <a href="<?= $v->link('/insights') ?>" aria-current="page"><?= $v->e($t->t('nav.insights')) ?></a>
<?php endif; ?>
      <a class="lang-switch" href="<?= $v->e('/' . $other . $switchPath) ?>" hreflang="<?= $v->e($other) ?>"
         lang="<?= $v->e($other) ?>"><?= $v->e($t->t('nav.switch')) ?></a>
    </nav>
  </div>
</header>
<main id="main" tabindex="-1">
<?= $body ?>
</main>
<footer class="site-footer">
  <p><?= $v->e($t->t('footer.text')) ?></p>
</footer>
</body>
</html>
