<?php
/**
 * The friendly error page: a title, a sentence and a way back. It never
 * shows an exception, a path or an API message.
 *
 * @var CatalogSearch\Web\I18n $t
 * @var CatalogSearch\Web\View $v
 * @var string $key
 */
?>
<div class="error-page">
  <h1><?= $v->e($t->t($key . '.title')) ?></h1>
  <p><?= $v->e($t->t($key . '.text')) ?></p>
  <p><a class="btn" href="<?= $v->link('/') ?>"><?= $v->e($t->t('error.home')) ?></a></p>
</div>
